// The OpenAPI document as a contract: the committed openapi.json is what the code serves, both
// linters pass it (Redocly's recommended rules, Spectral's spectral:oas; the warnings kept are
// switched off in .redocly.yaml and .spectral.yaml, each with its reason), every operation says
// who may call it and which problems it answers, and real answers match their schemas.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, makeDossier } from '../helpers/dossiers.js';
import { actor } from '../helpers/factories.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: Json[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  openapi: string;
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, { content?: Record<string, { schema?: Schema }> }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PROBLEM_REF = '#/components/schemas/Problem';
const STALE = 'openapi.json is stale: run npm run openapi';

/** Where two JSON values differ, as paths (the first few tell what changed). */
function differences(a: unknown, b: unknown, at = '$', out: string[] = []): string[] {
  if (out.length >= 10) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`, out);
  } else if (!isDeepStrictEqual(a, b)) {
    out.push(at);
  }
  return out;
}

const pointer = (doc: Document, ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);

/**
 * What `value` breaks in `schema`, read as OpenAPI 3.0.3 reads it: `nullable` admits null only
 * beside the schema's own `type` (and among its `enum`, if any); a `$ref`, `allOf`, `oneOf`
 * stand for what they name. A property the schema does not list is an error too: the document
 * must say every field the service answers.
 */
function violations(doc: Document, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return violations(doc, pointer(doc, schema.$ref) as Schema, value, at);
  const out: string[] = [];
  if (schema.allOf) for (const s of schema.allOf) out.push(...violations(doc, s, value, at));
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((s) => violations(doc, s, value, at).length === 0).length;
    if (matching !== 1) out.push(`${at}: matches ${matching} of oneOf`);
  }
  if (schema.anyOf && !schema.anyOf.some((s) => violations(doc, s, value, at).length === 0)) out.push(`${at}: matches none of anyOf`);
  if (schema.enum && !schema.enum.some((e) => isDeepStrictEqual(e, value))) return [...out, `${at}: ${JSON.stringify(value)} is not in the enum`];
  if (value === null) return schema.type === undefined || schema.nullable ? out : [...out, `${at}: null where the document says ${schema.type}`];
  const type = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (schema.type && schema.type !== type && !(schema.type === 'number' && type === 'integer')) return [...out, `${at}: ${type} where the document says ${schema.type}`];
  if (schema.format === 'uuid' && typeof value === 'string' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) out.push(`${at}: not a uuid`);
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => out.push(...violations(doc, schema.items!, v, `${at}[${i}]`)));
  if (type === 'object' && (schema.properties || schema.type === 'object')) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) out.push(`${at}.${key}: required, absent`);
    for (const [key, v] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) out.push(...violations(doc, property, v, `${at}.${key}`));
      else if (typeof schema.additionalProperties === 'object') out.push(...violations(doc, schema.additionalProperties, v, `${at}.${key}`));
      else if (schema.properties && schema.additionalProperties !== true && !schema.allOf && !schema.oneOf) out.push(`${at}.${key}: not in the document`);
    }
  }
  return out;
}

/** The JSON schema of an operation's answer for `status`. */
function responseSchema(doc: Document, path: string, method: string, status: number): Schema {
  let response = doc.paths[path][method].responses[String(status)];
  if (response.$ref) response = pointer(doc, response.$ref) as typeof response;
  const content = response.content ?? {};
  const schema = (content['application/json'] ?? content['application/problem+json'])?.schema;
  if (!schema) throw new Error(`${method.toUpperCase()} ${path} ${status}: no JSON schema`);
  return schema;
}

/** Runs a linter of node_modules/.bin on openapi.json; its JSON report. */
function lint(bin: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(`node_modules/.bin/${bin}`, args, {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the OpenAPI document (openapi.json)', () => {
  let t: TestApp;
  let served: Document;
  const committed = JSON.parse(readFileSync('openapi.json', 'utf8')) as Document;

  beforeAll(async () => {
    t = await startTestApp();
    served = (await t.http().get('/docs-json').expect(200)).body as Document;
  });
  afterAll(() => t.close());

  it('is the document the code serves', () => {
    if (!isDeepStrictEqual(served, committed)) throw new Error(`${STALE} (differs at ${differences(served, committed).join(', ')})`);
    expect(served.openapi).toMatch(/^3\.0\.\d$/);
  });

  it('passes Redocly (recommended rules) with no error and no warning', () => {
    const run = lint('redocly', ['lint', 'openapi.json', '--config', '.redocly.yaml', '--format', 'json']);
    const report = JSON.parse(run.stdout) as {
      totals: { errors: number; warnings: number; ignored: number };
      problems: { ruleId: string; message: string; location?: { pointer?: string }[] }[];
    };
    console.info(`redocly lint openapi.json: ${report.totals.errors} errors, ${report.totals.warnings} warnings, ${report.totals.ignored} ignored`);
    expect(report.problems.map((p) => `${p.ruleId} at ${p.location?.[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    expect(run.status).toBe(0);
  }, 120_000);

  it('passes Spectral (spectral:oas) with no error and no warning', () => {
    const run = lint('spectral', ['lint', 'openapi.json', '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet']);
    const results = JSON.parse(run.stdout.trim() || '[]') as { code: string; message: string; severity: number; path: string[] }[];
    const count = (severity: number) => results.filter((r) => r.severity === severity).length;
    console.info(`spectral lint openapi.json: ${count(0)} errors, ${count(1)} warnings, ${count(2)} infos, ${count(3)} hints`);
    expect(results.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`)).toEqual([]);
    expect(run.status).toBe(0);
  }, 120_000);

  it('gives every operation a summary, tags, its security and its problems as application/problem+json', () => {
    const failures: string[] = [];
    let operations = 0;
    let responses = 0;
    let problems = 0;
    const declared = new Map((served.tags ?? []).map((tag) => [tag.name, tag.description]));
    const schemes = JSON.stringify([{ bearer: [] }, { 'api-key': [] }]);
    for (const [path, item] of Object.entries(served.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        operations++;
        const where = `${method.toUpperCase()} ${path}`;
        const codes = Object.keys(op.responses);
        responses += codes.length;
        if (!op.summary?.trim()) failures.push(`${where}: no summary`);
        if (!op.description?.trim()) failures.push(`${where}: no description`);
        if (!op.tags?.length) failures.push(`${where}: no tag`);
        for (const tag of op.tags ?? []) if (!declared.get(tag)) failures.push(`${where}: tag ${tag} not declared with a description`);
        if (!Array.isArray(op.security)) failures.push(`${where}: no security`);
        const open = op.security?.length === 0;
        const params = op.parameters ?? [];
        // Public: no credentials, and a 401 or a 403 only where the route says why (login: wrong
        // password; the console session: another origin), never the generic ones; otherwise
        // either scheme, 401, 403 and 429.
        if (open && (op.responses['403']?.$ref || op.responses['401']?.$ref)) failures.push(`${where}: public, yet the generic 401 or 403`);
        if (open && params.some((p) => p.name === 'Idempotency-Key')) failures.push(`${where}: public, yet an Idempotency-Key (the interceptor skips public POSTs)`);
        if (!open && (JSON.stringify(op.security) !== schemes || !['401', '403', '429'].every((c) => codes.includes(c)))) {
          failures.push(`${where}: authenticated, without both schemes or 401/403/429`);
        }
        if (params.some((p) => p.in === 'path') && !codes.includes('404')) failures.push(`${where}: path parameters, no 404`);
        if (params.some((p) => p.in === 'header' && p.name === 'If-Match') && !codes.includes('412')) failures.push(`${where}: If-Match, no 412`);
        if (path.startsWith('/api/') && !codes.includes('503')) failures.push(`${where}: no 503`);
        if (!codes.some((c) => /^4\d\d$/.test(c))) failures.push(`${where}: no 4xx response`);
        for (const code of codes.filter((c) => /^[45]\d\d$/.test(c))) {
          problems++;
          let response = op.responses[code];
          if (response.$ref) response = pointer(served, response.$ref) as typeof response;
          const types = Object.keys(response?.content ?? {});
          if (types.join() !== 'application/problem+json' || response.content!['application/problem+json'].schema?.$ref !== PROBLEM_REF) {
            failures.push(`${where} ${code}: not application/problem+json of the Problem schema`);
          }
        }
      }
    }
    console.info(`openapi.json: ${operations} operations, ${responses} responses documented, ${problems} of them problems`);
    expect(failures).toEqual([]);
    expect(operations).toBeGreaterThan(50);
  });

  it('describes what a dossier really answers, at each stage, and its problems', async () => {
    const instructor = await actor(t, 'INSTRUCTOR');
    const director = await actor(t, 'DIRECTOR');
    const I = { Authorization: instructor.auth };
    const read = async (id: string) => (await t.http().get(`/api/v1/applications/${id}`).set(I).expect(200)).body;
    const dossier = responseSchema(served, '/api/v1/applications/{id}', 'get', 200);

    // A draft: no site meeting, decision, récépissé, audit plan or DETR word yet (null).
    const draft = await makeDossier(t, instructor);
    const fresh = await read(draft.id);
    expect(fresh).toMatchObject({ siteMeeting: null, decision: null, receipt: null, auditPlan: null, detrConfirmation: null });
    expect(violations(served, dossier, fresh)).toEqual([]);
    await t.http().patch(`/api/v1/applications/${draft.id}`).set(I).send({ assigneeId: null }).expect(200);
    expect(violations(served, dossier, await read(draft.id))).toEqual([]);

    // Down the path: each of them an object.
    const walked = await makeDossier(t, instructor);
    await advance(t, walked.id, 'RECEIPT_ISSUED', { instructor, director });
    const issued = await read(walked.id);
    expect(issued).toMatchObject({ siteMeeting: expect.any(Object), decision: expect.any(Object), receipt: expect.any(Object) });
    expect(violations(served, dossier, issued)).toEqual([]);

    const page = (await t.http().get('/api/v1/applications').set(I).expect(200)).body;
    expect(violations(served, responseSchema(served, '/api/v1/applications', 'get', 200), page)).toEqual([]);
    const events = (await t.http().get(`/api/v1/applications/${walked.id}/events`).set(I).expect(200)).body;
    expect(violations(served, responseSchema(served, '/api/v1/applications/{id}/events', 'get', 200), events)).toEqual([]);

    // Problems: a 404, a 400 with its errors, a 409 with the dossier's status, a 401.
    const missing = await t.http().get('/api/v1/applications/0193a4b2-6f00-7a10-8000-5e2d1c3b4a59').set(I).expect(404);
    expect(violations(served, responseSchema(served, '/api/v1/applications/{id}', 'get', 404), missing.body)).toEqual([]);
    const invalid = await t.http().post(`/api/v1/applications/${draft.id}/site-meeting`).set(I).send({ heldOn: '2026-02-30' }).expect(400);
    expect(violations(served, responseSchema(served, '/api/v1/applications/{id}/site-meeting', 'post', 400), invalid.body)).toEqual([]);
    const refused = await t.http().post(`/api/v1/applications/${draft.id}/complete`).set(I).send({ summary: 'x' }).expect(409);
    expect(refused.body).toMatchObject({ currentStatus: 'DRAFT' });
    expect(violations(served, responseSchema(served, '/api/v1/applications/{id}/complete', 'post', 409), refused.body)).toEqual([]);
    const anonymous = await t.http().get(`/api/v1/applications/${draft.id}`).expect(401);
    expect(violations(served, responseSchema(served, '/api/v1/applications/{id}', 'get', 401), anonymous.body)).toEqual([]);
  });
});
