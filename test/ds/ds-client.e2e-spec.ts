// The Démarches Simplifiées client against a local GraphQL server built from the schema subset
// (graphql-js): every document it sends validated against that subset, cursors, updatedSince,
// DS's rate limit (pacing, 429 and Retry-After), timeouts and server errors retried, GraphQL
// errors reported at once. Nothing leaves loopback.
import { parse, validate } from 'graphql';
import { DsClient, DsError } from '../../src/ds/ds-client.js';
import { DOCUMENTS } from '../../src/ds/queries.js';
import { type DemarcheFixture, dossierFixture, dsSchema, type DsServer, startDsServer } from '../helpers/ds-server.js';

const DEMARCHE: DemarcheFixture = {
  number: 98_765,
  title: 'Appel à candidatures MSP 2027',
  revisionId: 'UHJvY2VkdXJlUmV2aXNpb24tMQ==',
  champs: [
    { __typename: 'TextChampDescriptor', id: 'Q2hhbXAtMQ==', label: 'Nom du projet', required: true },
    { __typename: 'DecimalNumberChampDescriptor', id: 'Q2hhbXAtMg==', label: 'Montant des travaux (€)', required: false },
    { __typename: 'PieceJustificativeChampDescriptor', id: 'Q2hhbXAtMw==', label: 'Projet de santé', required: true },
  ],
  dossiers: Array.from({ length: 250 }, (_, i) =>
    dossierFixture(1000 + i, { modified: `2027-02-${String((i % 27) + 1).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00Z` }),
  ),
};

describe('the Démarches Simplifiées client', () => {
  let ds: DsServer;
  const waits: number[] = [];
  const client = (o: Partial<ConstructorParameters<typeof DsClient>[0]> = {}) =>
    new DsClient({
      url: ds.url,
      token: 'token-of-the-demarche',
      timeoutMs: 2000,
      minIntervalMs: 0,
      maxRetries: 3,
      backoffMs: 10,
      sleep: (ms) => Promise.resolve(void waits.push(ms)),
      ...o,
    });

  beforeAll(async () => (ds = await startDsServer([DEMARCHE])));
  afterAll(() => ds.close());
  beforeEach(() => {
    ds.requests.length = 0;
    ds.failures.length = 0;
    waits.length = 0;
  });

  it('sends only documents valid against the schema subset (and the check can fail)', () => {
    const schema = dsSchema();
    for (const [name, document] of Object.entries(DOCUMENTS)) expect({ name, errors: validate(schema, parse(document)).map((e) => e.message) }).toEqual({ name, errors: [] });
    expect(validate(schema, parse('query { demarche(number: 1) { dossiers { nodes { nomInconnu } } } }')).map((e) => e.message)).toEqual([
      'Cannot query field "nomInconnu" on type "Dossier".',
    ]);
  });

  it("reads a démarche's champs and pages through its dossiers with cursors, the token as Bearer", async () => {
    const c = client();
    const schema = await c.demarche(DEMARCHE.number);
    expect(schema).toEqual({
      number: 98_765,
      title: 'Appel à candidatures MSP 2027',
      revisionId: DEMARCHE.revisionId,
      champs: [
        { id: 'Q2hhbXAtMQ==', type: 'TextChampDescriptor', label: 'Nom du projet', required: true },
        { id: 'Q2hhbXAtMg==', type: 'DecimalNumberChampDescriptor', label: 'Montant des travaux (€)', required: false },
        { id: 'Q2hhbXAtMw==', type: 'PieceJustificativeChampDescriptor', label: 'Projet de santé', required: true },
      ],
    });
    const pages: number[][] = [];
    for await (const page of c.dossiers(DEMARCHE.number, undefined, 100)) pages.push(page.map((d) => d.number));
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(new Set(pages.flat()).size).toBe(250);
    const afters = ds.requests.slice(1).map((r) => r.variables.after);
    expect(afters[0]).toBeNull();
    expect(afters.slice(1).every((a) => typeof a === 'string')).toBe(true);
    expect(ds.requests.every((r) => r.authorization === 'Bearer token-of-the-demarche')).toBe(true);
    // A dossier's champs as DS gives them, typed by __typename.
    const [first] = (await c.dossiers(DEMARCHE.number, undefined, 1).next()).value!;
    expect(first.champs.find((x: { __typename: string }) => x.__typename === 'DecimalNumberChamp')).toMatchObject({ champDescriptorId: 'Q2hhbXAtMg==', decimal: 125000.5 });
  });

  it('asks only for the dossiers changed since a time', async () => {
    const since = new Date('2027-02-26T00:00:00Z');
    const got: number[] = [];
    for await (const page of client().dossiers(DEMARCHE.number, since)) got.push(...page.map((d) => d.number));
    const expected = DEMARCHE.dossiers.filter((d) => d.dateDerniereModification >= since.toISOString()).map((d) => d.number);
    expect(got.sort()).toEqual(expected.sort());
    expect(got.length).toBeGreaterThan(0);
    expect(ds.requests[0].variables.updatedSince).toBe('2027-02-26T00:00:00.000Z');
  });

  it('waits what a 429 says, and retries timeouts and server errors with backoff', async () => {
    ds.failures.push({ status: 429, retryAfter: 7 }, { status: 502 }, 'hang', { status: 500 });
    const schema = await client({ timeoutMs: 300, maxRetries: 4 }).demarche(DEMARCHE.number);
    expect(schema.title).toBe(DEMARCHE.title);
    expect(ds.requests).toHaveLength(5);
    expect(waits[0]).toBe(7000);
    // Then the backoff: 10 ms doubled at each attempt (20, 40, 80), with up to 25 % jitter.
    expect(waits.slice(1)).toHaveLength(3);
    waits.slice(1).forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(20 * 2 ** i);
      expect(w).toBeLessThanOrEqual(25 * 2 ** i);
    });
  });

  it('gives up after its retries, and reports a refused query or token at once', async () => {
    ds.failures.push({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    await expect(client().demarche(DEMARCHE.number)).rejects.toMatchObject({ kind: 'http', status: 500 });
    expect(ds.requests).toHaveLength(4);
    ds.requests.length = 0;
    ds.failures.push({ status: 401 });
    await expect(client().demarche(DEMARCHE.number)).rejects.toMatchObject({ kind: 'http', status: 401 });
    expect(ds.requests).toHaveLength(1);
    ds.requests.length = 0;
    const refused = await client()
      .demarche(4242)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DsError);
    expect(refused).toMatchObject({ kind: 'graphql', message: expect.stringContaining('Démarche 4242 introuvable') });
    expect(ds.requests).toHaveLength(1);
  });

  it('paces its requests under the limit', async () => {
    const c = client({ minIntervalMs: 100, sleep: undefined });
    const started = Date.now();
    for (let i = 0; i < 5; i++) await c.demarche(DEMARCHE.number);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(c.requests).toBe(5);
  });
});
