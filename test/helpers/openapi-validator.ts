// Every answer the e2e suite receives is checked against the committed OpenAPI document
// (openapi.json): its status is documented for the operation, its content type is the one the
// document gives that status, its body validates against the schema (ajv 8, the document's
// OpenAPI 3.0 `nullable` read as JSON Schema's null type), and the headers the document
// declares for it are there. startTestApp's http() runs it on every supertest request; the fuzz
// runs it on each answer it gets. A mismatch throws, failing the test that made the request.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Node = Record<string, unknown>;
interface MediaType {
  schema?: Node;
}
interface Response {
  $ref?: string;
  description?: string;
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, MediaType>;
}
interface Operation {
  responses: Record<string, Response>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Node>; responses: Record<string, Response> };
}

/** What an answer is made of, whichever client received it. */
export interface Answer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as text; undefined when it is binary (a spreadsheet). */
  text?: string;
}

/**
 * Paths the document does not describe on purpose: the document itself and its UI, the
 * Prometheus scrape (excluded from the document, not part of the API), and the console's page
 * and assets (`/`, `/assets/…`: a client of the API, not the API).
 */
const OUTSIDE = /^\/(?:docs(?:-json|-yaml)?(?:\/.*)?|metrics|assets\/.*)?$/;

/** Headers whose absence breaks a client when the document promises them. */
const HEADERS_THAT_MATTER = ['etag', 'location', 'retry-after', 'www-authenticate'];

const DOC_ID = 'openapi.json';

/** What the HTTP parser's refusal carries (problem.filter.ts, writeClientProblem): no request, so no instance nor request id. */
const PARSER_PROBLEM = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer', enum: [431] }, detail: { type: 'string' } },
};
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const', 'description', 'title', 'pattern']);

/**
 * A schema of the document as JSON Schema (draft 7, what ajv 8 reads by default): `nullable`
 * becomes a null type beside the schema's own (and null among its enum); local $refs name the
 * document; an object that lists its properties admits no other, unless it says
 * `additionalProperties` or composes (allOf, oneOf, anyOf): the document must say every field.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === 'example' || key === 'examples' || key === 'xml' || key === 'externalDocs' || key === 'discriminator') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out.$ref = `${DOC_ID}${value}`;
    else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value as Node).map(([name, s]) => [name, toJsonSchema(s)]));
    } else out[key] = DATA_KEYS.has(key) ? value : toJsonSchema(value);
  }
  if (out.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  }
  delete out.nullable;
  // readOnly/writeOnly say nothing of an answer's validity here.
  delete out.readOnly;
  delete out.writeOnly;
  if (out.properties && out.additionalProperties === undefined && !out.allOf && !out.oneOf && !out.anyOf) out.additionalProperties = false;
  return out;
}

const mediaFamily = (contentType: string) => contentType.split(';')[0].trim().toLowerCase();
const excerpt = (text: string | undefined) => (text === undefined ? '(binary)' : text.length > 400 ? `${text.slice(0, 400)}…` : text || '(empty)');

interface Route {
  method: string;
  template: string;
  re: RegExp;
  /** Literal segments rank before templated ones: /applications/export before /applications/{id}. */
  rank: number;
  op: Operation;
}

export class OpenApiValidator {
  readonly doc: Document;
  private readonly ajv: Ajv;
  private readonly routes: Route[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Answers checked against an operation, and answers outside the document (its UI, /metrics). */
  validated = 0;
  outside = 0;

  constructor(path = 'openapi.json') {
    this.doc = JSON.parse(readFileSync(path, 'utf8')) as Document;
    this.ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    // ajv-formats is CommonJS: its function is the default export, or that export's `default`.
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ $id: DOC_ID, components: { schemas: toJsonSchema(this.doc.components.schemas) } });
    for (const [template, item] of Object.entries(this.doc.paths)) {
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '[^/]+');
      for (const [method, op] of Object.entries(item)) {
        if (!op || typeof op !== 'object' || !('responses' in op)) continue;
        this.routes.push({ method: method.toUpperCase(), template, re: new RegExp(`^${source}$`), rank: (template.match(/\{/g) ?? []).length, op });
      }
    }
    this.routes.sort((a, b) => a.rank - b.rank);
  }

  /** The operation answering `method url`: HEAD is answered by the GET. */
  private find(method: string, path: string): Route | 'method' | undefined {
    const matching = this.routes.filter((r) => r.re.test(path));
    if (!matching.length) return undefined;
    const m = method === 'HEAD' && !matching.some((r) => r.method === 'HEAD') ? 'GET' : method;
    return matching.find((r) => r.method === m) ?? 'method';
  }

  private response(r: Response): Response {
    return r.$ref ? this.doc.components.responses[r.$ref.split('/').pop()!] : r;
  }

  private schemaValidator(key: string, schema: Node): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      v = this.ajv.compile(toJsonSchema(schema) as Node);
      this.compiled.set(key, v);
    }
    return v;
  }

  /** Throws when `answer` to `method url` breaks the document; says what and where. */
  check(method: string, url: string, answer: Answer): void {
    method = method.toUpperCase();
    const path = url.replace(/^https?:\/\/[^/]+/, '').split(/[?#]/)[0];
    const where = `${method} ${url.length > 200 ? `${url.slice(0, 200)}…` : url}`;
    const fail = (what: string): never => {
      throw new Error(`OpenAPI: ${what} — ${where} answered ${answer.status}, ${String(answer.headers['content-type'] ?? 'no content-type')}: ${excerpt(answer.text)}`);
    };
    if (answer.status === 431) {
      // Node's HTTP parser refuses the request line and headers before there is a request, so
      // before any route: no operation can list it (info.description does). Still a problem.
      this.validated++;
      this.checkBody('431', PARSER_PROBLEM, 'application/problem+json', answer, fail);
      return;
    }
    const route = this.find(method, path);
    if (route === undefined || route === 'method') {
      // A CORS preflight (app.factory.ts, CORS_ORIGINS) is the browser's protocol, answered
      // before any route: no operation of the document, which describes the requests it admits.
      const preflight = method === 'OPTIONS' && answer.status === 204 && answer.headers['access-control-allow-methods'] !== undefined;
      if (OUTSIDE.test(path) || preflight) {
        this.outside++;
        return;
      }
      // No operation there (an unknown path, or a method the path does not take): the document
      // cannot list it; the answer must be the generic problem, 404 (or 405).
      this.validated++;
      if (answer.status !== 404 && answer.status !== 405) fail(`no operation for ${method} ${path}, yet not a 404`);
      this.checkBody(`problem`, { $ref: '#/components/schemas/Problem' }, 'application/problem+json', answer, fail);
      return;
    }
    this.validated++;
    const documented = route.op.responses[String(answer.status)] ?? route.op.responses[`${String(answer.status)[0]}XX`] ?? route.op.responses.default;
    if (!documented) fail(`undocumented status ${answer.status} for ${method} ${route.template}`);
    const response = this.response(documented);

    for (const name of HEADERS_THAT_MATTER) {
      const declared = Object.keys(response.headers ?? {}).find((h) => h.toLowerCase() === name);
      if (declared && answer.headers[name] === undefined) fail(`the document promises the header ${declared}, absent`);
    }

    const content = response.content ?? {};
    const types = Object.keys(content);
    const contentType = answer.headers['content-type'];
    const empty = answer.text === '' || (answer.text === undefined && contentType === undefined);
    if (!types.length) {
      if (!empty && method !== 'HEAD') fail(`the document says no body for ${answer.status}, one was answered`);
      return;
    }
    if (method === 'HEAD') return;
    if (typeof contentType !== 'string') return fail(`no content-type; the document says ${types.join(' or ')}`);
    const family = mediaFamily(contentType);
    const media = types.find((t) => mediaFamily(t) === family);
    if (!media) fail(`content-type ${family}; the document says ${types.join(' or ')} for ${answer.status}`);
    const schema = content[media!].schema;
    if (schema && /json$/.test(family)) this.checkBody(`${route.method} ${route.template} ${answer.status} ${media}`, schema, family, answer, fail);
  }

  private checkBody(key: string, schema: Node, family: string, answer: Answer, fail: (what: string) => never): void {
    const contentType = String(answer.headers['content-type'] ?? '');
    if (mediaFamily(contentType) !== family) fail(`content-type ${mediaFamily(contentType) || 'none'}; expected ${family}`);
    let body: Json;
    try {
      body = JSON.parse(answer.text ?? '') as Json;
    } catch {
      return fail('a body that is not JSON');
    }
    const validate = this.schemaValidator(key, schema);
    if (!validate(body)) {
      const errors = (validate.errors ?? [])
        .slice(0, 8)
        .map((e) => `${e.instancePath || '/'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`)
        .join('; ');
      fail(`the body breaks the schema of ${key}: ${errors}`);
    }
  }
}

let shared: OpenApiValidator | undefined;
/** One validator per test file (openapi.json is read and compiled once). */
export function openApiValidator(): OpenApiValidator {
  if (!shared) {
    shared = new OpenApiValidator();
    // Per file, what was validated: the summary reporter (test/setup/summary-reporter.cjs) sums them.
    afterAllHook(shared);
  }
  return shared;
}

/** Validation is on unless OPENAPI_VALIDATE=0. */
export const validationEnabled = () => process.env.OPENAPI_VALIDATE !== '0';

function recordCount(v: OpenApiValidator): void {
  if (!v.validated && !v.outside) return;
  mkdirSync('.data', { recursive: true });
  appendFileSync(process.env.OPENAPI_VALIDATED_LOG ?? '.data/openapi-validated.log', `${JSON.stringify({ file: currentFile(), validated: v.validated, outside: v.outside })}\n`);
  v.validated = 0;
  v.outside = 0;
}

const currentFile = () => (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.().testPath?.replace(`${process.cwd()}/`, '') ?? 'unknown';

/** Mismatches of answers read where a throw would be taken for a network failure (checkLater). */
const deferred: string[] = [];

/**
 * Under Jest, fails the test whose requests broke the document (checkLater), and writes the
 * file's count once its tests are done (the first call is at import, where hooks may be declared).
 */
function afterAllHook(v: OpenApiValidator): void {
  const g = globalThis as { afterAll?: (fn: () => void) => void; afterEach?: (fn: () => void) => void };
  g.afterEach?.(() => {
    if (deferred.length) throw new Error(deferred.splice(0).join('\n'));
  });
  g.afterAll?.(() => recordCount(v));
}

/**
 * Checks an answer without throwing: for a client whose callers read a rejection as "no
 * answer" (test/reliability/harness.ts). The mismatch fails the test after it ends.
 */
export function checkLater(method: string, url: string, answer: Answer): void {
  if (!validationEnabled()) return;
  try {
    openApiValidator().check(method, url, answer);
  } catch (error) {
    deferred.push((error as Error).message);
  }
}

/** The answer of a supertest request, as the validator reads it (a body parsed by a test's own parser: its text again). */
export function answerOf(res: { status: number; headers: Record<string, string | string[] | undefined>; text?: string; body?: unknown }): Answer {
  if (typeof res.text === 'string') return { status: res.status, headers: res.headers, text: res.text };
  if (Buffer.isBuffer(res.body))
    return { status: res.status, headers: res.headers, text: /json|text|csv/.test(String(res.headers['content-type'])) ? res.body.toString('utf8') : undefined };
  const parsed = res.body !== undefined && res.body !== null && !(typeof res.body === 'object' && Object.keys(res.body).length === 0);
  return { status: res.status, headers: res.headers, text: parsed ? JSON.stringify(res.body) : undefined };
}

/**
 * For the few tests that send with fetch (to a service started as a process, or a burst on a
 * real socket): checks `res` against the document, on a clone (the test reads the body still).
 */
export async function checkFetched(method: string, url: string, res: globalThis.Response): Promise<globalThis.Response> {
  if (!validationEnabled()) return res;
  const type = res.headers.get('content-type') ?? '';
  const text = type === '' || /json|text|csv/.test(type) ? await res.clone().text() : undefined;
  openApiValidator().check(method, url, { status: res.status, headers: Object.fromEntries(res.headers), text });
  return res;
}

// Under Jest, built at import (a test file's top level), where its afterAll may be declared:
// a first use inside a test could not declare it.
if (validationEnabled() && typeof (globalThis as { afterAll?: unknown }).afterAll === 'function') openApiValidator();

/** fetch, each answer checked against the document (the typed client's tests): a mismatch rejects. */
export const validatingFetch: typeof globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  const url = new URL(request.url);
  return checkFetched(request.method, `${url.pathname}${url.search}`, await fetch(request));
};
