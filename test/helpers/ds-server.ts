// A local Démarches Simplifiées: a real GraphQL server (graphql-js) built from the schema subset
// the client is written against (src/ds/schema.graphql), serving fixtures shaped like DS's
// answers, with failures to order (a 429, a 500, a request left unanswered).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql, type GraphQLSchema } from 'graphql';

export const dsSchema = (): GraphQLSchema => buildSchema(readFileSync('src/ds/schema.graphql', 'utf8'));

export interface DescriptorFixture {
  __typename: string;
  id: string;
  label: string;
  required: boolean;
  description?: string | null;
}

export interface DossierFixture {
  id: string;
  number: number;
  state: 'en_construction' | 'en_instruction' | 'accepte' | 'refuse' | 'sans_suite';
  dateDepot: string;
  dateDerniereModification: string;
  demandeur: Record<string, unknown>;
  champs: Record<string, unknown>[];
}

export interface DemarcheFixture {
  number: number;
  title: string;
  revisionId: string;
  champs: DescriptorFixture[];
  dossiers: DossierFixture[];
}

/** What the next request gets instead of an answer ('pass': the answer, as if no failure were queued). */
export type Failure = { status: 429; retryAfter?: number } | { status: 500 | 502 | 401 } | 'hang' | 'pass';

export interface DsServer {
  url: string;
  demarches: Map<number, DemarcheFixture>;
  failures: Failure[];
  requests: { query: string; variables: Record<string, unknown>; authorization: string | undefined }[];
  /** The pièces' bytes, served at `fileUrl(name)` (as DS's storage serves them). */
  files: Map<string, Buffer>;
  fileUrl(name: string): string;
  /** The mutations received (write-back), in order. */
  mutations: { name: 'annotation' | 'message'; input: Record<string, string> }[];
  close(): Promise<void>;
}

export async function startDsServer(demarches: DemarcheFixture[]): Promise<DsServer> {
  const schema = dsSchema();
  const state: DsServer = {
    url: '',
    demarches: new Map(demarches.map((d) => [d.number, d])),
    failures: [],
    requests: [],
    files: new Map(),
    fileUrl: (name) => `${state.url.replace('/api/v2/graphql', '')}/files/${encodeURIComponent(name)}`,
    mutations: [],
    close: () => Promise.resolve(),
  };
  const hanging = new Set<ServerResponse>();
  const root = {
    dossierModifierAnnotationText: ({ input }: { input: Record<string, string> }) => {
      state.mutations.push({ name: 'annotation', input });
      return { errors: [], annotation: null };
    },
    dossierEnvoyerMessage: ({ input }: { input: Record<string, string> }) => {
      state.mutations.push({ name: 'message', input });
      return { errors: null, message: { id: `Q29tbWVudGFpcmUt${state.mutations.length}`, body: input.body } };
    },
    demarche: ({ number }: { number: number }) => {
      const d = state.demarches.get(number);
      if (!d) throw new Error(`Démarche ${number} introuvable`);
      return {
        id: `RGVtYXJjaGUt${number}`,
        number: d.number,
        title: d.title,
        activeRevision: { id: d.revisionId, champDescriptors: d.champs, annotationDescriptors: [] },
        dossiers: ({ first, after, updatedSince }: { first?: number; after?: string; updatedSince?: string }) => {
          const all = d.dossiers
            .filter((x) => !updatedSince || x.dateDerniereModification >= updatedSince)
            .sort((a, b) => a.dateDerniereModification.localeCompare(b.dateDerniereModification) || a.number - b.number);
          const start = after ? Number(Buffer.from(after, 'base64').toString()) : 0;
          const nodes = all.slice(start, start + (first ?? 100));
          const end = start + nodes.length;
          return { nodes, pageInfo: { hasNextPage: end < all.length, endCursor: nodes.length ? Buffer.from(String(end)).toString('base64') : null } };
        },
      };
    },
  };
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/files/')) {
      const bytes = state.files.get(decodeURIComponent(req.url.slice('/files/'.length)));
      if (!bytes) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length }).end(bytes);
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables: Record<string, unknown> };
      state.requests.push({ ...body, authorization: req.headers.authorization });
      const failure = state.failures.shift();
      if (failure === 'hang') return void hanging.add(res);
      if (failure && failure !== 'pass') {
        res.writeHead(failure.status, failure.status === 429 && failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {}).end('{}');
        return;
      }
      void graphql({ schema, source: body.query, variableValues: body.variables, rootValue: root }).then((result) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/graphql`;
  state.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}

/** A dossier of the fixtures: a promoter's SIRET and name, a commune, an amount in euros, a date. */
export function dossierFixture(number: number, o: { modified?: string; state?: DossierFixture['state']; champs?: Record<string, unknown>[] } = {}): DossierFixture {
  return {
    id: Buffer.from(`Dossier-${number}`).toString('base64'),
    number,
    state: o.state ?? 'en_construction',
    dateDepot: '2027-02-01T09:00:00+01:00',
    dateDerniereModification: o.modified ?? `2027-02-${String((number % 27) + 1).padStart(2, '0')}T10:00:00+01:00`,
    demandeur: { __typename: 'PersonneMorale', id: `pm-${number}`, siret: '21430040500017' },
    champs: o.champs ?? [
      { __typename: 'TextChamp', id: `c1-${number}`, champDescriptorId: 'Q2hhbXAtMQ==', label: 'Nom du projet', stringValue: `MSP n° ${number}`, value: `MSP n° ${number}` },
      { __typename: 'DecimalNumberChamp', id: `c2-${number}`, champDescriptorId: 'Q2hhbXAtMg==', label: 'Montant des travaux (€)', stringValue: '125000.5', value: 125000.5 },
    ],
  };
}

/** A pièce of the fixtures: a small real PDF (`padTo` bytes when given), served by `ds`, with DS's File fields (base64 MD5 checksum). */
export function pieceFixture(ds: DsServer, name: string, o: { checksum?: string; padTo?: number } = {}) {
  const head = `%PDF-1.4\n% ${name}\n1 0 obj << /Type /Catalog >> endobj\n`;
  const tail = 'trailer << /Root 1 0 R >>\n%%EOF\n';
  // `padTo`: a comment line as long as it takes (a pièce of a realistic size).
  const pad = o.padTo ? `%${'x'.repeat(Math.max(0, o.padTo - head.length - tail.length - 2))}\n` : '';
  const bytes = Buffer.from(head + pad + tail);
  ds.files.set(name, bytes);
  return {
    bytes,
    file: {
      filename: name,
      contentType: 'application/pdf',
      byteSizeBigInt: String(bytes.length),
      checksum: o.checksum ?? createHash('md5').update(bytes).digest('base64'),
      url: ds.fileUrl(name),
    },
  };
}
