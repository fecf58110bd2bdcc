// Fuzzed input: fast-check builds requests from the service's own OpenAPI document (every
// path and method of GET /docs-json, the DTO schemas of their bodies, their query and path
// parameters) — valid-ish values, then mutated: wrong types, nulls, missing and unknown
// fields, huge strings, negative and fractional cents, deep nesting, `__proto__` keys,
// invalid UUIDs, dates like 2026-02-30, invalid enums, broken JSON, odd content types,
// forged credentials. They go to the built service (`node dist/main.js`, in production mode,
// logging at debug level) as admitted roles of region 84, another region's admin, and
// anonymous or forged callers, on a database seeded with real rows so that path parameters
// often hit existing ids.
//
// The contract: no answer is a 5xx; every error is application/problem+json with type,
// title, status (= the HTTP status) and detail; every answer obeys openapi.json (a status the
// operation documents, its content type and schema: test/helpers/openapi-validator.ts); no
// answer and no log line carries a stack trace, SQL, Prisma, a password hash or a secret.
//
// `npm test` sends FUZZ_RUNS=2000 by default with a fixed seed; `npm run test:fuzz` sends
// 20,000 (FUZZ_RUNS=… overrides it). A failure prints the seed: FUZZ_SEED=<seed> FUZZ_RUNS=<n>
// generates the same requests again (the rows they land on may differ a little: between
// chunks the id pools take in what earlier requests created). FUZZ_VERBOSE=1 prints the
// statuses of each route.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import fc from 'fast-check';
import request from 'supertest';
import { loadConfig } from '../../src/config/config.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import type { TestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { advance, daysAgo, makeDossier } from '../helpers/dossiers.js';
import { type Actor, actor, makeCommune, makeOrganization, makeProject, makePromoter, makeUser, PASSWORD } from '../helpers/factories.js';
import { activeRuleSet, envelope } from '../helpers/funding.js';
import * as F from '../helpers/fuzz.js';
import { openApiValidator, validationEnabled } from '../helpers/openapi-validator.js';

/** Each answer is also checked against openapi.json: an undocumented status is a failure (OPENAPI_VALIDATE=0: off). */
const documented = validationEnabled() ? openApiValidator() : undefined;

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_901);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 4);
const JWT_SECRET = 'fuzz-production-secret-of-at-least-32-bytes';
const BOOTSTRAP_PASSWORD = 'bootstrap password of the fuzzer';

interface Caller {
  name: string;
  headers: Record<string, string>;
}
interface FuzzCase {
  route: string;
  method: string;
  url: string;
  caller: string;
  headers: Record<string, string>;
  body?: string;
}
interface Outcome {
  c: FuzzCase;
  status: number;
  contentType: string;
  text: string;
  requestId: string | null;
}
interface Generated {
  path: string[];
  query: string;
  caller: Caller;
  body: string | undefined;
  contentType: string | undefined;
  ifMatch: string | undefined;
  idempotencyKey: string | undefined;
  requestId: string | undefined;
  accept: string | undefined;
}
interface Failure {
  what: string;
  c: FuzzCase;
  status?: number;
  text?: string;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function jwt(payload: Record<string, unknown>, secret: string, alg = 'HS256'): string {
  const head = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${alg === 'none' ? '' : createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** A bounded pool: `run` on every item, `limit` at a time. */
async function pool<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}

const routeKey = (r: F.Route) => `${r.method} ${r.path}`;
const BODY_LIMIT = 1_048_576;
const HEADER_LIMIT = 16_384;
const oversize = (c: FuzzCase) =>
  Buffer.byteLength(c.body ?? '') > BODY_LIMIT || c.url.length + Object.entries(c.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0) > HEADER_LIMIT - 512;
/** What a failed fetch says went wrong beneath it (undici puts the socket's error in `cause`). */
const describeCause = (cause: unknown): string =>
  cause === undefined || cause === null ? '' : cause instanceof Error ? String(cause) : typeof cause === 'string' ? cause : JSON.stringify(cause);
const clip = (s: string | undefined, n = 300) => (s === undefined ? '' : s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

describe('fuzzed input, from the OpenAPI document', () => {
  let db: { url: string; drop(): Promise<void> };
  let child: ChildProcess;
  let output = '';
  let base = '';
  let prisma: PrismaService;
  let doc: F.OpenApi;
  let routes: F.Route[];
  let pools: F.Pools;
  const callers = new Map<string, Caller>();
  const forged: Caller[] = [];
  /** Routes → the callers the access guard admits (found by probing). */
  const admitted = new Map<string, string[]>();
  /** Never in an answer. */
  let bodySecrets: string[] = [];
  /** Never in a log line. */
  let logSecrets: string[] = [];
  const failures: Failure[] = [];
  const protectedIds = new Set<string>();
  const byRequestId = new Map<string, FuzzCase>();
  const statuses = new Map<number, number>();
  const byRoute = new Map<string, Map<number, number>>();
  const timeByRoute = new Map<string, number>();
  let sent = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    db = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: db.url,
        DATABASE_POOL_SIZE: '5',
        JWT_SECRET,
        JWT_ACCESS_TTL_SECONDS: '86400',
        BOOTSTRAP_ADMIN_EMAIL: 'root@ars.test',
        BOOTSTRAP_ADMIN_PASSWORD: BOOTSTRAP_PASSWORD,
        BOOTSTRAP_REGION_CODE: '84',
        LOG_LEVEL: 'debug',
        WORKERS_ENABLED: 'false',
        RATE_LIMIT_PER_MINUTE: '0',
        LOGIN_MAX_FAILURES: '10000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; ; i++) {
      if (
        await fetch(`${base}/health/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300 || child.exitCode !== null) throw new Error(`the service did not become ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const t1 = Date.now();
    // The scene, in region 84: written through Prisma and the API, as the other tests do.
    prisma = new PrismaService(loadConfig({ NODE_ENV: 'test', DATABASE_POOL_SIZE: '2' }), db.url);
    const t = { prisma, http: () => request(base) } as unknown as TestApp;
    const [admin, instructor, director, auditor, partner, prefecture, admin53] = await Promise.all([
      actor(t, 'ADMIN'),
      actor(t, 'INSTRUCTOR'),
      actor(t, 'DIRECTOR'),
      actor(t, 'AUDITOR'),
      actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] }),
      actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] }),
      actor(t, 'ADMIN', { regionCode: '53' }),
    ]);
    const key = await t
      .http()
      .post('/api/v1/api-keys')
      .set('Authorization', admin.auth)
      .send({ name: 'nightly', role: 'REPORTING', organizationId: admin.organizationId })
      .expect(201);
    const bearer = (a: Actor) => ({ Authorization: a.auth });
    callers.set('ANONYMOUS', { name: 'ANONYMOUS', headers: {} });
    for (const [name, a] of [
      ['ADMIN', admin],
      ['INSTRUCTOR', instructor],
      ['DIRECTOR', director],
      ['AUDITOR', auditor],
      ['PARTNER', partner],
      ['PARTNER@DETR-43', prefecture],
      ['ADMIN@53', admin53],
    ] as const) {
      callers.set(name, { name, headers: bearer(a) });
    }
    callers.set('REPORTING', { name: 'REPORTING', headers: { 'X-API-Key': key.body.key } });

    // Rows the fuzzer may damage (deactivate, revoke, rename): never the callers' own.
    const victimOrg = await makeOrganization(t, { type: 'ARS' });
    const victims = [await makeUser(t, 'INSTRUCTOR', victimOrg.id), await makeUser(t, 'AUDITOR', victimOrg.id)];
    const refreshTokens: string[] = [];
    for (const v of [...victims, victims[0]]) {
      refreshTokens.push((await t.http().post('/api/v1/auth/login').send({ email: v.email, password: PASSWORD }).expect(200)).body.refreshToken);
    }
    const victimKeys: string[] = [];
    for (const name of ['victim 1', 'victim 2']) {
      victimKeys.push((await t.http().post('/api/v1/api-keys').set(bearer(admin)).send({ name, role: 'INSTRUCTOR', organizationId: victimOrg.id }).expect(201)).body.id);
    }

    const epci = await prisma.epci.create({
      data: { siren: '200073419', name: 'CC Brioude Sud Auvergne', type: 'CC', population: 17000, memberCount: 47, largestMemberPopulation: 6600 },
    });
    const commune = await makeCommune(t, { inseeCode: '43040', name: 'Brioude', postalCodes: ['43100'] });
    await prisma.commune.update({ where: { inseeCode: '43040' }, data: { epciSiren: epci.siren } });
    await makeCommune(t, { inseeCode: '74119', name: 'Évian-les-Bains', departmentCode: '74', zone: 'ZAC', population: 9281, rural: false });
    const promoter = await makePromoter(t, commune.inseeCode);
    await makeProject(t, promoter.id, commune.inseeCode);
    const [ruleSet, ...envelopes] = await Promise.all([activeRuleSet(t, admin), envelope(t, admin, 'REGION', 10_000_000_000), envelope(t, admin, 'ARS', 10_000_000_000)]);
    const who = { instructor, director };
    // Dossiers in several statuses (each path parameter then reaches a different branch).
    const inStatus = async (status: 'DRAFT' | 'SUBMITTED' | 'AWAITING_DECISION' | 'STEP2_IN_PROGRESS') => {
      const d = await makeDossier(t, instructor);
      await advance(t, d.id, status, who);
      return d;
    };
    const [draft, submitted, awaiting, funded, computed, session] = await Promise.all([
      inStatus('DRAFT'),
      inStatus('SUBMITTED'),
      inStatus('AWAITING_DECISION'),
      inStatus('STEP2_IN_PROGRESS'),
      inStatus('DRAFT'),
      t
        .http()
        .post('/api/v1/carpec-sessions')
        .set(bearer(instructor))
        .send({ sessionDate: daysAgo(3), title: 'CARPEC' })
        .expect(201),
    ]);
    // One with a committed plan (partner lines and payments), one with expenses only.
    await t
      .http()
      .put(`/api/v1/applications/${funded.id}/expenses`)
      .set(bearer(instructor))
      .send([
        { category: 'IMMOBILIER', label: 'Bâtiment', amountCents: 80_000_000 },
        { category: 'EQUIPEMENT', label: 'Matériel', amountCents: 5_000_000 },
      ])
      .expect(200);
    await t.http().post(`/api/v1/applications/${funded.id}/funding-plan/compute`).set(bearer(instructor)).send({}).expect(200);
    await t.http().post(`/api/v1/applications/${funded.id}/funding-plan/commit`).set(bearer(director)).send({}).expect(200);
    await t.http().put(`/api/v1/applications/${funded.id}/funding-plan/lines/REGION`).set(bearer(partner)).send({ committedCents: 10_000_000 }).expect(200);
    await t
      .http()
      .put(`/api/v1/applications/${computed.id}/expenses`)
      .set(bearer(instructor))
      .send([{ category: 'IMMOBILIER', label: 'Travaux', amountCents: 1_000_000 }])
      .expect(200);
    const run = await prisma.reportRun.create({ data: { regionCode: '84', type: 'PIPELINE', date: new Date(`${daysAgo(1)}T00:00:00Z`) } });

    pools = {
      ids: {
        organization: [victimOrg.id, admin.organizationId],
        user: victims.map((v) => v.id),
        apiKey: victimKeys,
        promoter: (await prisma.promoter.findMany({ select: { id: true } })).map((r) => r.id),
        project: (await prisma.project.findMany({ select: { id: true } })).map((r) => r.id),
        application: [draft.id, submitted.id, awaiting.id, funded.id, computed.id],
        session: [session.body.id],
        envelope: envelopes.map((e) => e.id),
        ruleSet: [ruleSet.id],
        reportRun: [run.id],
      },
      insee: (await prisma.commune.findMany({ select: { inseeCode: true }, orderBy: { inseeCode: 'asc' } })).map((r) => r.inseeCode),
      sirens: [epci.siren],
      emails: [...victims.map((v) => v.email), 'root@ars.test', 'nobody@test.local'],
      refreshTokens,
      password: PASSWORD,
    };
    // The callers' own accounts are never a target (the fuzzer would deactivate them).
    for (const a of [admin, instructor, director, auditor, partner, prefecture, admin53]) protectedIds.add(a.userId);
    for (const a of [instructor, director, auditor, partner, prefecture, admin53]) protectedIds.add(a.organizationId);
    protectedIds.add(key.body.id);
    const hashes = (await prisma.user.findMany({ select: { passwordHash: true } })).map((u) => u.passwordHash);
    bodySecrets = [JWT_SECRET, BOOTSTRAP_PASSWORD, ...hashes];
    logSecrets = [...bodySecrets, PASSWORD, key.body.key, ...refreshTokens, ...[admin, instructor, director, auditor, partner, prefecture, admin53].map((a) => a.token)];

    // Forged credentials: unsigned, wrongly signed, expired, or signed for odd subjects.
    const now = Math.floor(Date.now() / 1000);
    const claims = (sub: unknown, extra: Record<string, unknown> = {}) => ({ sub, kind: 'USER', iss: 'msp-funding', aud: 'msp-funding-api', iat: now, exp: now + 3600, ...extra });
    const tokens = [
      jwt(claims(admin.userId), '', 'none'),
      jwt(claims(admin.userId), 'not the secret of the service at all'),
      jwt(claims(admin.userId, { exp: now - 60 }), JWT_SECRET),
      jwt(claims(admin.userId, { aud: 'someone-else' }), JWT_SECRET),
      jwt(claims(admin.userId, { kind: 'API_KEY' }), JWT_SECRET),
      jwt(claims('not-a-uuid'), JWT_SECRET),
      jwt(claims(''), JWT_SECRET),
      jwt(claims(12), JWT_SECRET),
      jwt(claims(randomUUID()), JWT_SECRET),
      jwt(claims(`${admin.userId}'; --`), JWT_SECRET),
      jwt(claims('x'.repeat(5000)), JWT_SECRET),
      `${admin.token}x`,
      admin.token.split('.').slice(0, 2).join('.'),
    ];
    const forgedHeaders: Record<string, string>[] = [
      ...tokens.map((tk) => ({ Authorization: `Bearer ${tk}` })),
      { Authorization: 'Bearer' },
      { Authorization: 'Bearer ' },
      { Authorization: 'bearer x' },
      { Authorization: 'Basic Zm9vOmJhcg==' },
      { Authorization: `Bearer ${'a'.repeat(10_000)}` },
      { 'X-API-Key': '' },
      { 'X-API-Key': 'msp_x_y' },
      { 'X-API-Key': `${key.body.key}x` },
      { 'X-API-Key': key.body.key.split('_').slice(0, 2).join('_') },
      { 'X-API-Key': 'x'.repeat(5_000) },
      { 'X-API-Key': "' OR 1=1 --" },
      { Authorization: admin.auth, 'X-API-Key': 'garbage' },
    ];
    forged.push(...forgedHeaders.map((headers, i) => ({ name: `FORGED#${i}`, headers })));

    const docRes = await fetch(`${base}/docs-json`);
    expect(docRes.status).toBe(200);
    doc = (await docRes.json()) as F.OpenApi;
    routes = F.operationsOf(doc);
    console.info(`fuzz setup: service ready in ${t1 - t0} ms, scene seeded in ${Date.now() - t1} ms`);
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => (child.kill('SIGKILL'), resolve(null)), 10_000);
        child.once('exit', () => (clearTimeout(timer), resolve(null)));
      });
    }
    await prisma?.$disconnect();
    await prisma?.pool.end();
    await db?.drop();
  }, 30_000);

  const ctx = (): F.Ctx => ({ doc, pools });

  /** The pools again, with the rows fuzzed requests created (and the dossiers they moved). */
  async function refreshPools(): Promise<void> {
    const ids = async (rows: Promise<{ id: string }[]>) =>
      (await rows)
        .map((r) => r.id)
        .filter((id) => !protectedIds.has(id))
        .sort();
    pools.ids = {
      organization: await ids(prisma.organization.findMany({ select: { id: true } })),
      user: await ids(prisma.user.findMany({ select: { id: true } })),
      apiKey: await ids(prisma.apiKey.findMany({ select: { id: true } })),
      promoter: await ids(prisma.promoter.findMany({ select: { id: true } })),
      project: await ids(prisma.project.findMany({ select: { id: true } })),
      application: await ids(prisma.application.findMany({ select: { id: true } })),
      session: await ids(prisma.carpecSession.findMany({ select: { id: true } })),
      envelope: await ids(prisma.envelope.findMany({ select: { id: true } })),
      ruleSet: await ids(prisma.fundingRuleSet.findMany({ select: { id: true } })),
      reportRun: await ids(prisma.reportRun.findMany({ select: { id: true } })),
    };
    pools.insee = (await prisma.commune.findMany({ select: { inseeCode: true }, orderBy: { inseeCode: 'asc' } })).map((r) => r.inseeCode);
  }

  /** Sends one request and checks the answer against the contract. */
  async function send(c: FuzzCase): Promise<Outcome | undefined> {
    sent++;
    const t0 = Date.now();
    let res: Response;
    try {
      res = await fetch(`${base}${c.url}`, {
        method: c.method,
        headers: c.headers,
        body: c.body === undefined ? undefined : Buffer.from(c.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = describeCause((error as { cause?: unknown }).cause);
      // A request over the limits (body > 1 MiB: 413; request line and headers > 16 KiB: 431)
      // is answered and its connection closed while the client may still be writing it: a
      // reset is then the refusal itself, not a crash.
      if (oversize(c) && /ECONNRESET|EPIPE|other side closed|socket hang up/i.test(cause)) {
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
        return undefined;
      }
      failures.push({ what: `no answer (${(error as Error).message}; ${cause})`, c: { ...c, body: c.body === undefined ? undefined : clip(c.body) } });
      return undefined;
    }
    const buf = Buffer.from(await res.arrayBuffer());
    const contentType = res.headers.get('content-type') ?? '';
    const textual = /json|text|csv|xml|javascript/.test(contentType) || contentType === '';
    const o: Outcome = { c, status: res.status, contentType, text: textual ? buf.toString('utf8') : '', requestId: res.headers.get('x-request-id') };
    // What is kept of a case for the report: not its body, which may weigh megabytes.
    const kept = { ...c, body: c.body === undefined ? undefined : clip(c.body) };
    if (o.requestId) byRequestId.set(o.requestId, kept);
    statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    timeByRoute.set(c.route, (timeByRoute.get(c.route) ?? 0) + Date.now() - t0);
    const mine = byRoute.get(c.route) ?? new Map<number, number>();
    byRoute.set(c.route, mine.set(o.status, (mine.get(o.status) ?? 0) + 1));
    const bad = verdict(o);
    try {
      documented?.check(c.method, c.url, { status: o.status, headers: Object.fromEntries(res.headers), text: textual ? o.text : undefined });
    } catch (error) {
      bad.push((error as Error).message);
    }
    if (bad.length) failures.push({ what: bad.join('; '), c: kept, status: o.status, text: clip(o.text, 2_000) });
    return o;
  }

  function verdict(o: Outcome): string[] {
    const bad: string[] = [];
    if (o.status >= 500) bad.push(`${o.status} answered`);
    const leak = F.findLeak(o.text, bodySecrets);
    if (leak) bad.push(`the answer leaks ${leak}`);
    if (o.status >= 400) {
      if (!o.contentType.startsWith('application/problem+json')) bad.push(`error ${o.status} not application/problem+json (${o.contentType || 'no content-type'})`);
      let p: Record<string, unknown> | undefined;
      try {
        p = JSON.parse(o.text) as Record<string, unknown>;
      } catch {
        bad.push(`error ${o.status} whose body is not JSON`);
      }
      if (p) {
        for (const [k, type] of [
          ['type', 'string'],
          ['title', 'string'],
          ['status', 'number'],
          ['detail', 'string'],
        ] as const) {
          if (typeof p[k] !== type) bad.push(`problem without a ${type} ${k}`);
        }
        if (typeof p.status === 'number' && p.status !== o.status) bad.push(`problem status ${p.status} ≠ HTTP ${o.status}`);
        if (p.errors !== undefined && !(Array.isArray(p.errors) && p.errors.every((e) => e && typeof e.field === 'string' && typeof e.message === 'string'))) {
          bad.push('problem errors[] not [{field, message}]');
        }
      }
    } else if (o.contentType.includes('json') && o.text !== '') {
      try {
        JSON.parse(o.text);
      } catch {
        bad.push(`${o.status} with a JSON content-type and a body that is not JSON`);
      }
    }
    return bad;
  }

  /** A path of the template with each parameter replaced. */
  const fillPath = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? name);

  const jsonSchemaOf = (r: F.Route) => r.op.requestBody?.content?.['application/json']?.schema;

  function caseArb(r: F.Route): fc.Arbitrary<FuzzCase> {
    const c = ctx();
    const params = r.op.parameters ?? [];
    const pathParams = params.filter((p) => p.in === 'path');
    const csvColumns = F.csvColumnsOf(r.op);
    const schema = jsonSchemaOf(r);
    const hasBody = !['GET', 'DELETE'].includes(r.method);
    const jsonBody = (s: F.Schema) =>
      fc.oneof(
        { weight: 12, arbitrary: F.mutatedArb(c, s).map(F.serialize) },
        { weight: 2, arbitrary: F.rawBodyArb.map((raw) => raw.text) },
        { weight: 1, arbitrary: F.anyHostile.map(F.serialize) },
      );
    const body: fc.Arbitrary<string | undefined> = !hasBody
      ? fc.constant(undefined)
      : csvColumns
        ? fc.oneof({ weight: 8, arbitrary: F.csvArb(csvColumns) }, { weight: 1, arbitrary: jsonBody({ type: 'object' }) })
        : schema
          ? jsonBody(schema)
          : fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constant('{}') }, { weight: 2, arbitrary: jsonBody({ type: 'object' }) });
    const own = admitted.get(routeKey(r)) ?? [];
    const everyone = [...callers.values()];
    const caller: fc.Arbitrary<Caller> = fc.oneof(
      ...(own.length ? [{ weight: 16, arbitrary: fc.constantFrom(...own.map((n) => callers.get(n)!)) }] : []),
      { weight: 2, arbitrary: fc.constantFrom(...everyone) },
      { weight: 2, arbitrary: fc.constantFrom(...forged) },
    );
    const rare = <T>(a: fc.Arbitrary<T>, weight = 8) => fc.oneof({ weight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
    const build = (g: Generated): FuzzCase => {
      const headers: Record<string, string> = { ...g.caller.headers };
      if (g.body !== undefined) {
        const ct = g.contentType ?? (csvColumns ? 'text/csv' : 'application/json');
        if (ct) headers['content-type'] = ct;
      }
      if (g.ifMatch !== undefined) headers['if-match'] = g.ifMatch;
      if (g.idempotencyKey !== undefined) headers['idempotency-key'] = g.idempotencyKey;
      if (g.accept !== undefined) headers.accept = g.accept;
      if (g.requestId !== undefined) headers['x-request-id'] = g.requestId;
      const values = Object.fromEntries(pathParams.map((p, i) => [p.name, g.path[i]]));
      return { route: routeKey(r), method: r.method, url: fillPath(r.path, values) + g.query, caller: g.caller.name, headers, body: g.body };
    };
    const none = fc.constant(undefined);
    // Near: an admitted caller, existing rows, a valid body, plain headers — it gets past
    // validation into the services (state checks, business rules, the database).
    const near: fc.Arbitrary<FuzzCase> = fc
      .record({
        path: fc.tuple(...pathParams.map((p) => F.existingPathValueArb(c, p.name, r.path))),
        query: F.validQueryArb(c, params),
        caller: own.length ? fc.constantFrom(...own.map((n) => callers.get(n)!)) : caller,
        body: !hasBody ? none : csvColumns ? F.csvArb(csvColumns) : schema ? F.validArb(c, schema).map(F.serialize) : fc.constant('{}'),
        contentType: none,
        ifMatch: none,
        idempotencyKey: rare(fc.uuid(), 4),
        requestId: none,
        accept: none,
      })
      .map(build);
    // Wild: anything, anywhere.
    const wild: fc.Arbitrary<FuzzCase> = fc
      .record({
        path: fc.tuple(...pathParams.map((p) => F.pathValueArb(c, p.name, r.path))),
        query: F.queryArb(c, params),
        caller,
        body,
        contentType: rare(fc.constantFrom(...F.CONTENT_TYPES), 10),
        ifMatch: rare(fc.constantFrom(...F.IF_MATCH)),
        idempotencyKey: rare(fc.oneof(fc.uuid(), F.headerString(300))),
        requestId: rare(F.headerString(140)),
        accept: rare(fc.constantFrom('application/xml', 'text/csv', '*/*', 'application/json;q=0', 'text/html', ''), 10),
      })
      .map(build);
    return fc.oneof({ weight: 1, arbitrary: near }, { weight: 3, arbitrary: wild });
  }

  it('has a document every generator can follow: each $ref names a schema, each operation is reachable', () => {
    expect(F.danglingRefs(doc)).toEqual([]);
    expect(routes.length).toBeGreaterThan(50);
    // Every operation has an arbitrary (this throws on a schema the generators cannot read).
    for (const r of routes) fc.sample(caseArb(r), { numRuns: 3, seed: SEED });
  });

  it('admits, on each route, the roles of its access rules (probe: an empty request per caller)', async () => {
    // The guard admits by role: one caller per role is enough (ADMIN@53 is an ADMIN, …).
    const roleOf = (name: string) => name.split('@')[0];
    const probed = [...callers.values()].filter((c) => roleOf(c.name) === c.name);
    const probes: { r: F.Route; caller: Caller }[] = routes.flatMap((r) => probed.map((caller) => ({ r, caller })));
    const answers = new Map<string, number>();
    await pool(probes, CONCURRENCY, async ({ r, caller }) => {
      const values: Record<string, string> = { id: randomUUID(), inseeCode: '43998', siren: '200000999', funder: 'REGION' };
      const csv = F.csvColumnsOf(r.op);
      const hasBody = !['GET', 'DELETE'].includes(r.method);
      const o = await send({
        route: routeKey(r),
        method: r.method,
        url: fillPath(r.path, values),
        caller: caller.name,
        headers: { ...caller.headers, ...(hasBody ? { 'content-type': csv ? 'text/csv' : 'application/json' } : {}) },
        body: hasBody ? (csv ? 'x' : '{}') : undefined,
      });
      if (o) answers.set(`${routeKey(r)} ${caller.name}`, o.status);
    });
    for (const r of routes) {
      admitted.set(
        routeKey(r),
        [...callers.keys()].filter((name) => ![401, 403].includes(answers.get(`${routeKey(r)} ${roleOf(name)}`) ?? 401)),
      );
    }
    // Sanity: the guard is there (anonymous callers are refused almost everywhere), and
    // every route but the public ones admits somebody authenticated.
    const anonymous = routes.filter((r) => admitted.get(routeKey(r))!.includes('ANONYMOUS')).map(routeKey);
    expect(anonymous.sort()).toEqual([
      'DELETE /api/v1/auth/session',
      'GET /health/live',
      'GET /health/ready',
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/logout',
      'POST /api/v1/auth/refresh',
      'POST /api/v1/auth/session',
    ]);
    // The console session's refresh admits the holder of its cookie (a credential of its own, which the probe has not): 401 to anyone else.
    expect(routes.filter((r) => admitted.get(routeKey(r))!.length === 0).map(routeKey)).toEqual(['POST /api/v1/auth/session/refresh']);
    expect(admitted.get('POST /api/v1/applications/{id}/decision')).toEqual(['DIRECTOR']);
  }, 60_000);

  it(
    `answers ${RUNS} fuzzed requests without a 5xx, with problem+json errors, and leaks nothing`,
    async () => {
      const perRoute = Math.ceil(RUNS / routes.length);
      const CHUNK = 5;
      const started = Date.now();
      const before = sent;
      for (let chunk = 0; chunk * CHUNK < perRoute; chunk++) {
        const n = Math.min(CHUNK, perRoute - chunk * CHUNK);
        // Between chunks the pools take in what the previous ones created, so that path
        // parameters also hit new rows and the dossiers the fuzzer moved along (or not).
        if (chunk > 0) await refreshPools();
        const arbs = routes.map(caseArb);
        const cases = arbs.flatMap((arb, i) => fc.sample(arb, { numRuns: n, seed: (SEED + 7_919 * i + 104_729 * chunk) | 0 }));
        await pool(cases, CONCURRENCY, async (c) => void (await send(c)));
      }
      const fuzzed = sent - before;
      console.info(
        `fuzz: ${fuzzed} requests on ${routes.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`,
      );
      if (process.env.FUZZ_VERBOSE) {
        const { readFileSync } = await import('node:fs');
        const childTicks = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(' ').slice(13, 15).map(Number);
        console.info(`slowest: ${JSON.stringify([...timeByRoute].sort(([, a], [, b]) => b - a).slice(0, 12))}`);
        console.info(`cpu: test process ${JSON.stringify(process.cpuUsage())}, service ${childTicks.map((x) => x * 10).join(',')} ms (utime, stime)`);
        for (const [route, m] of [...byRoute].sort()) console.info(`${route}: ${JSON.stringify(Object.fromEntries([...m].sort(([a], [b]) => a - b)))}`);
      }
      expect(fuzzed).toBeGreaterThanOrEqual(RUNS);
      // Deep code was reached, not only validation: some fuzzed requests succeeded.
      expect([...statuses].filter(([s]) => s < 300).reduce((n, [, k]) => n + k, 0)).toBeGreaterThan(RUNS / 50);
      expect(report(failures)).toBe('');
    },
    60_000 + RUNS * 40,
  );

  it('answers each field of each body set to null, left out or of another type without a 5xx', async () => {
    const c = ctx();
    const cases: FuzzCase[] = [];
    // One sweep in npm test; one more per 5,000 runs in the long one (other bodies, other rows).
    const sweeps = Math.max(1, Math.round(RUNS / 5_000));
    for (let sweep = 0; sweep < sweeps; sweep++) {
      for (const r of routes) {
        const schema = jsonSchemaOf(r);
        if (!schema) continue;
        const caller = callers.get((admitted.get(routeKey(r)) ?? []).find((n) => n !== 'ANONYMOUS') ?? 'ANONYMOUS')!;
        const pathParams = (r.op.parameters ?? []).filter((p) => p.in === 'path');
        const [valid] = fc.sample(F.validArb(c, schema, '', 0, true), { numRuns: 1, seed: SEED + sweep });
        const [path] = fc.sample(fc.tuple(...pathParams.map((p) => F.existingPathValueArb(c, p.name, r.path))), { numRuns: 1, seed: SEED + sweep });
        const url = fillPath(r.path, Object.fromEntries(pathParams.map((p, i) => [p.name, path[i]])));
        for (const v of F.fieldVariants(c, schema, valid)) {
          cases.push({
            route: `${routeKey(r)} (${v.where})`,
            method: r.method,
            url,
            caller: caller.name,
            headers: { ...caller.headers, 'content-type': 'application/json' },
            body: F.serialize(v.body),
          });
        }
      }
    }
    const before = failures.length;
    await pool(cases, CONCURRENCY, async (x) => void (await send(x)));
    console.info(`field sweep: ${cases.length} requests`);
    expect(cases.length).toBeGreaterThan(200);
    expect(report(failures.slice(before))).toBe('');
  });

  it('answers, as problems, the inputs that fuzzing found answered with a 5xx or not as a problem', async () => {
    const admin = callers.get('ADMIN')!.headers;
    const instructor = callers.get('INSTRUCTOR')!.headers;
    const json = { 'content-type': 'application/json' };
    const cases: { c: FuzzCase; status: number }[] = [
      // Deep nesting overflowed the stack of class-transformer and of the idempotency hash (500).
      {
        c: {
          route: 'POST /api/v1/carpec-sessions',
          method: 'POST',
          url: '/api/v1/carpec-sessions',
          caller: 'INSTRUCTOR',
          headers: { ...instructor, ...json },
          body: F.serialize({ sessionDate: '2026-01-05', title: 'x', deep: new F.Raw(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`) }),
        },
        status: 400,
      },
      {
        c: {
          route: 'POST /api/v1/auth/logout',
          method: 'POST',
          url: '/api/v1/auth/logout',
          caller: 'ANONYMOUS',
          headers: { ...json, 'idempotency-key': randomUUID() },
          body: `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
        },
        status: 400,
      },
      // A token signed with the secret whose subject is not a user id reached PostgreSQL (500).
      {
        c: {
          route: 'GET /api/v1/me',
          method: 'GET',
          url: '/api/v1/me',
          caller: 'FORGED',
          headers: {
            Authorization: `Bearer ${jwt({ sub: 'not-a-uuid', kind: 'USER', iss: 'msp-funding', aud: 'msp-funding-api', exp: Math.floor(Date.now() / 1000) + 60 }, JWT_SECRET)}`,
          },
        },
        status: 401,
      },
      // The NUL character reached PostgreSQL, which refuses it in text (500): in a query, a body.
      { c: { route: 'GET /api/v1/promoters', method: 'GET', url: '/api/v1/promoters?q=a%00b', caller: 'ADMIN', headers: admin }, status: 400 },
      {
        c: {
          route: 'POST /api/v1/organizations',
          method: 'POST',
          url: '/api/v1/organizations',
          caller: 'ADMIN',
          headers: { ...admin, ...json },
          body: JSON.stringify({ name: 'a\u0000b', type: 'CPAM', regionCode: '84' }),
        },
        status: 400,
      },
      // A required nested object, absent or an array, passed validation; the service crashed (500).
      {
        c: {
          route: 'POST /api/v1/funding/simulate',
          method: 'POST',
          url: '/api/v1/funding/simulate',
          caller: 'ADMIN',
          headers: { ...admin, ...json },
          body: JSON.stringify({ promoterType: 'COMMUNE', commune: { zone: 'ZIP', qpv: false, island: false, rural: true }, expenses: [] }),
        },
        status: 400,
      },
      {
        c: {
          route: 'POST /api/v1/funding/simulate',
          method: 'POST',
          url: '/api/v1/funding/simulate',
          caller: 'ADMIN',
          headers: { ...admin, ...json },
          body: JSON.stringify({ project: { existing: false, doctorsPlanned: 2, balancedBudget: true }, commune: [], promoterType: 'COMMUNE', expenses: [] }),
        },
        status: 400,
      },
      {
        c: {
          route: 'POST /api/v1/funding/simulate',
          method: 'POST',
          url: '/api/v1/funding/simulate',
          caller: 'ADMIN',
          headers: { ...admin, ...json },
          body: JSON.stringify({
            project: { existing: false, doctorsPlanned: 2, balancedBudget: true },
            commune: { zone: 'ZIP', qpv: false, island: false, rural: true },
            promoterType: 'COMMUNE',
            expenses: [[]],
          }),
        },
        status: 400,
      },
      // …and a null forecast, which the DTO admits (no forecast), went to BigInt(null) (500).
      {
        c: {
          route: 'POST /api/v1/funding/simulate',
          method: 'POST',
          url: '/api/v1/funding/simulate',
          caller: 'ADMIN',
          headers: { ...admin, ...json },
          body: JSON.stringify({
            ruleSetId: pools.ids.ruleSet[0],
            project: { existing: false, doctorsPlanned: 2, balancedBudget: true, forecastDeficitCents: null },
            commune: { zone: 'ZIP', qpv: false, island: false, rural: true },
            promoterType: 'COMMUNE',
            expenses: [{ category: 'IMMOBILIER', label: 'x', amountCents: 100 }],
          }),
        },
        status: 200,
      },
      // A PATCH with null for a column that cannot be null reached Prisma (500).
      {
        c: {
          route: 'PATCH /api/v1/communes/{inseeCode}',
          method: 'PATCH',
          url: '/api/v1/communes/43040',
          caller: 'ADMIN',
          headers: { ...admin, ...json },
          body: JSON.stringify({ zone: null }),
        },
        status: 400,
      },
      {
        c: {
          route: 'PATCH /api/v1/projects/{id}',
          method: 'PATCH',
          url: `/api/v1/projects/${pools.ids.project[0]}`,
          caller: 'INSTRUCTOR',
          headers: { ...instructor, ...json },
          body: JSON.stringify({ promoterId: null }),
        },
        status: 400,
      },
      // The router's own refusals were Fastify's JSON, not problems.
      { c: { route: 'GET /api/v1/promoters/{id}', method: 'GET', url: '/api/v1/promoters/%C0%AF', caller: 'ADMIN', headers: admin }, status: 400 },
      { c: { route: 'GET /api/v1/promoters/{id}', method: 'GET', url: `/api/v1/promoters/${'a'.repeat(201)}`, caller: 'ADMIN', headers: admin }, status: 414 },
    ];
    for (const { c, status } of cases) {
      const before = failures.length;
      const o = await send(c);
      expect(failures.slice(before)).toEqual([]);
      expect(o?.status).toBe(status);
    }
    // Concurrent activations of rule sets of one region deadlocked (P2034: 500).
    const ruleSet = (name: string) =>
      fetch(`${base}/api/v1/funding-rule-sets`, {
        method: 'POST',
        headers: { ...admin, ...json },
        body: JSON.stringify({
          name,
          publicCeilingBps: 8000,
          funders: { REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE'], defaultRateBps: 3000, minRateBps: 0, maxRateBps: 5000, priority: 1 } },
        }),
      }).then(async (r) => ((await r.json()) as { id: string }).id);
    const ids = [await ruleSet(`race A ${randomUUID()}`), await ruleSet(`race B ${randomUUID()}`)];
    const activations = await Promise.all(
      Array.from({ length: 12 }, (_, i) => fetch(`${base}/api/v1/funding-rule-sets/${ids[i % 2]}/activate`, { method: 'POST', headers: admin }).then((r) => r.status)),
    );
    expect(activations).toEqual(Array(12).fill(200));
    expect(await prisma.fundingRuleSet.count({ where: { regionCode: '84', active: true } })).toBe(1);
    // The HTTP parser's refusal (request line and headers over 16 KiB), on a raw socket: the
    // answer is read in full before the server closes the connection.
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1');
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', (e) => (text ? resolve(text) : reject(e)));
      socket.write(`GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`);
    });
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(body)).toMatchObject({ status: 431, title: 'Request Header Fields Too Large', type: 'about:blank' });
  });

  it('writes no log line with a stack trace, SQL, Prisma, a hash or a secret, and no error line', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const lines = output.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(sent / 2);
    const bad: Failure[] = [];
    for (const line of lines) {
      let parsed: { level?: number; req?: { id?: string }; reqId?: string } = {};
      try {
        parsed = JSON.parse(line);
      } catch {
        /* not JSON: checked as text */
      }
      const c = byRequestId.get(parsed.req?.id ?? parsed.reqId ?? '') ?? { route: '(no request)', method: '', url: '', caller: '', headers: {} };
      const leak = F.findLeak(line, logSecrets);
      if (leak) bad.push({ what: `a log line leaks ${leak}`, c, text: line });
      if ((parsed.level ?? 0) >= 50) bad.push({ what: 'an error-level log line', c, text: line });
    }
    expect(report(bad)).toBe('');
  });

  /** Failures grouped by route and kind, an example of each, and how to replay. */
  function report(list: Failure[]): string {
    if (!list.length) return '';
    const groups = new Map<string, Failure[]>();
    for (const f of list) {
      const k = `${f.c.route} → ${f.what.split('; ')[0].replace(/: …[\s\S]*$/, '')}`;
      groups.set(k, [...(groups.get(k) ?? []), f]);
    }
    const lines = [...groups].slice(0, 25).map(([k, fs]) => {
      const f = fs[0];
      const headers = Object.fromEntries(Object.entries(f.c.headers).filter(([h]) => !/authorization|x-api-key/i.test(h)));
      return [
        `• ${k} (${fs.length}×)`,
        `    ${f.what.slice(0, 400)}`,
        `    ${f.c.method} ${clip(f.c.url, 200)} as ${f.c.caller} ${JSON.stringify(headers).slice(0, 200)}`,
        `    body: ${clip(f.c.body)}`,
        `    → ${f.status ?? ''} ${clip(f.text)}`,
      ].join('\n');
    });
    return `${list.length} failure(s) in ${groups.size} group(s); seed ${SEED}, FUZZ_RUNS=${RUNS} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npm run test:fuzz)\n${lines.join('\n')}`;
  }
});
