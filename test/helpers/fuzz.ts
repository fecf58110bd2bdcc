// Generators for fuzzing the HTTP API from its own OpenAPI document (GET /docs-json): for each
// operation, fast-check arbitraries of path parameters, query strings, headers and bodies —
// valid-ish values built from the DTO schemas, then mutated (wrong types, nulls, missing and
// unknown fields, huge strings, negative and fractional cents, deep nesting, `__proto__`
// keys, invalid UUIDs and dates, invalid enums), or replaced by hostile raw bodies.
// And the oracles: what no answer and no log line may contain.
import fc from 'fast-check';

// ---------------------------------------------------------------- the OpenAPI document

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  example?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  description?: string;
  /** A nullable reference: `oneOf: [{ $ref }, { nullable, enum: [null] }]` (src/common/http/openapi.ts). */
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
}
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}
export interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; description?: string; content: Record<string, { schema: Schema }> };
  security?: unknown[];
}
export interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; responses?: Record<string, unknown> };
}

export interface Route {
  method: string;
  /** The document's template, e.g. /api/v1/applications/{id}. */
  path: string;
  op: Operation;
}

export const operationsOf = (doc: OpenApi): Route[] =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );

/** Every `$ref` in the document that names nothing in it (a schema, a named response): a generator could not follow it. */
export function danglingRefs(doc: OpenApi): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && !resolveRef(doc, x)) out.add(x);
      else walk(x);
    }
  };
  walk(doc.paths);
  walk(doc.components);
  return [...out];
}

/** What a local `$ref` (`#/components/schemas/X`, `#/components/responses/Y`) points at. */
function resolveRef(doc: OpenApi, ref: string): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const key of ref.slice(2).split('/')) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return node !== null && typeof node === 'object' ? node : undefined;
}

/** `{ nullable: true, enum: [null] }`: the null branch of a nullable reference. */
const isNullOnly = (s: Schema) => Array.isArray(s.enum) && s.enum.length === 1 && s.enum[0] === null;

// ---------------------------------------------------------------- oracles

export const LEAK_PATTERNS: { what: string; re: RegExp }[] = [
  // "    at handler (file:///…/x.js:10:5)", "at async Promise.all (index 0)", "at node:internal/…"
  { what: 'a stack frame', re: /(?:^|[\s"'\\n])at (?:async )?(?:[\w$.<>[\]]+ )?\(?(?:file:\/\/|node:|\/[\w.@-]+\/|index \d)/ },
  { what: 'a source path', re: /\.(?:ts|js|mjs|cjs):\d+/ },
  { what: 'SQL', re: /\bSELECT\b|\bINSERT\b|relation "/ },
  { what: 'Prisma', re: /prisma/i },
  { what: 'a password hash', re: /\$argon2/ },
];

/** What `text` leaks, if anything: a stack, SQL, Prisma, a hash, or one of `secrets`. */
export function findLeak(text: string, secrets: readonly string[] = []): string | undefined {
  for (const { what, re } of LEAK_PATTERNS) {
    const m = re.exec(text);
    if (m) return `${what}: …${text.slice(Math.max(0, m.index - 60), m.index + 80)}…`;
  }
  for (const s of secrets) if (s && text.includes(s)) return `a secret (${s.slice(0, 6)}…)`;
  return undefined;
}

/** Generated text never looks like a leak itself: an echo of it is not a false alarm. */
export const safe = (s: string) => findLeak(s) === undefined;

// ---------------------------------------------------------------- values

/** JSON text emitted as it is (deep nesting, number literals JSON.stringify cannot write). */
export class Raw {
  constructor(readonly text: string) {}
}
export type Value = null | boolean | number | string | Raw | Value[] | { [key: string]: Value };

/** JSON.stringify that keeps own `__proto__` keys and writes Raw as it is. */
export function serialize(v: Value | undefined): string {
  if (v instanceof Raw) return v.text;
  if (v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${serialize(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A value as it is written into a URL: a string as it is, anything else as JSON. */
export const asText = (v: Value): string => (typeof v === 'string' ? v : serialize(v));

/** Sets an own, enumerable property, even `__proto__`. */
const put = (o: Record<string, Value>, key: string, value: Value) => Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

function clone(v: Value): Value {
  if (v instanceof Raw || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clone);
  const out: Record<string, Value> = {};
  for (const k of Object.keys(v)) put(out, k, clone(v[k]));
  return out;
}

export const FUNDERS = ['REGION', 'ARS', 'DETR', 'DSIL', 'FNADT', 'DEPARTEMENT'];

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

export const HOSTILE_STRINGS = [
  '',
  ' ',
  '   \t\n',
  '\u0000',
  'a\u0000b',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '[object Object]',
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '" OR ""="',
  '\\',
  '%00',
  '%',
  '%ZZ',
  '../../etc/passwd',
  '..%2F..%2F',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${7*7}',
  '\u202egnp.exe',
  '\ud83d\ude00',
  '\ud800',
  '\udfff',
  'e\u0301',
  '\ufeff',
  'Ω≈ç√∫˜µ≤≥÷',
  '٠١٢٣',
  '0x10',
  '1_000',
  ' 84',
  '84 ',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '=cmd|" /C calc"!A0',
];

export const safeString = (maxLength = 40): fc.Arbitrary<string> =>
  fc
    .oneof(w(4, fc.string({ maxLength })), w(2, fc.string({ unit: 'grapheme', maxLength })), w(1, fc.string({ unit: 'binary', maxLength })), w(3, pick(HOSTILE_STRINGS)))
    .filter(safe);

/** Header values must be visible ASCII (fetch refuses the rest). */
export const headerString = (maxLength = 60): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength }), pick(['', ' ', 'x'.repeat(300), '*', 'null'])).filter(safe);

const hugeString = pick([256, 2_001, 10_001, 100_001]).chain((n) => pick(['x', 'é', '\ud83d\ude00', ' ']).map((c) => c.repeat(n)));
/** Larger than the 1 MiB body limit: 413. */
export const tooLarge = () => new Raw(JSON.stringify({ name: 'x'.repeat(1_100_000) }));

const deep = (depth: number, kind: 'array' | 'object') => new Raw(kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
const deepValue: fc.Arbitrary<Raw> = fc.tuple(pick([8, 64, 1_000, 10_000, 100_000]), pick(['array', 'object'] as const)).map(([d, k]) => deep(d, k));

const protoObject = (inner: Value): Value => {
  const o: Record<string, Value> = {};
  put(o, '__proto__', inner);
  return o;
};

export const HOSTILE_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  -0.5,
  1.5,
  0.1 + 0.2,
  1e-7,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e21,
  -1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
];
const NUMBER_LITERALS = ['1e999', '-1e999', '123456789012345678901234567890', '-0', '0.0000000000000000000000001', '1E400', '1.0', '100.00', '-0.0'];

const hostileNumber: fc.Arbitrary<Value> = fc.oneof(
  w(4, pick(HOSTILE_NUMBERS)),
  w(2, fc.integer()),
  w(2, fc.double({ noNaN: true, noDefaultInfinity: true })),
  w(
    1,
    pick(NUMBER_LITERALS).map((t) => new Raw(t)),
  ),
  w(1, pick(['1', '100', '-1', '1.5', '1e3', ' 1', '0x1F'])),
);

export const INVALID_UUIDS = [
  'not-a-uuid',
  '1',
  '-1',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-0000-0000-00000000000',
  '00000000-0000-0000-0000-0000000000000',
  '{00000000-0000-4000-8000-000000000000}',
  '00000000000040008000000000000000',
  'g0000000-0000-4000-8000-000000000000',
  '00000000-0000-4000-8000-000000000000 ',
  ' 00000000-0000-4000-8000-000000000000',
  '00000000-0000-4000-8000-00000000000\u0000',
  'me',
];
const invalidUuid: fc.Arbitrary<string> = fc.oneof(
  pick(INVALID_UUIDS),
  fc.uuid().map((u) => u.slice(0, 35)),
  fc.uuid().map((u) => `${u}0`),
  fc.uuid().map((u) => u.replace(/-/g, '')),
);

export const INVALID_DATES = [
  '2026-02-30',
  '2025-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-04-31',
  '2026-1-5',
  '26-01-05',
  '0000-01-01',
  '1899-12-31',
  '9999-12-31',
  '+002026-01-05',
  '2026-01-05T00:00:00Z',
  '2026-01-05 ',
  '2026/01/05',
  '05/01/2026',
  '2026-01-05\u0000',
  'today',
  '',
];
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysFromNow = (n: number) => isoDay(new Date(Date.now() + n * 86_400_000));
/** Past business dates mostly; today; sometimes the future (refused). */
const validDate: fc.Arbitrary<string> = fc.oneof(w(8, fc.integer({ min: -900, max: 0 }).map(daysFromNow)), w(1, fc.integer({ min: 1, max: 4000 }).map(daysFromNow)));
const badDate: fc.Arbitrary<Value> = fc.oneof(pick(INVALID_DATES), fc.integer({ min: 2, max: 100_000 }).map(daysFromNow), hostileNumber);

export interface Pools {
  /** Ids of seeded rows, by kind: organization, user, apiKey, promoter, project, application, session, envelope, ruleSet, reportRun. */
  ids: Record<string, string[]>;
  insee: string[];
  sirens: string[];
  emails: string[];
  refreshTokens: string[];
  password: string;
}

const allIds = (p: Pools) => Object.values(p.ids).flat();

function idArb(p: Pools, kind: string | undefined): fc.Arbitrary<string> {
  const own = (kind && p.ids[kind]) || [];
  const every = allIds(p);
  return fc.oneof(
    ...(own.length ? [w(8, pick(own))] : []),
    ...(every.length ? [w(2, pick(every))] : []),
    w(1, fc.uuid()),
    w(
      1,
      fc.uuid().map((u) => u.toUpperCase()),
    ),
  );
}

/** What kind of id a field or a path names. */
export function kindOf(name: string, pathTemplate = ''): string | undefined {
  const byField: Record<string, string> = {
    organizationId: 'organization',
    promoterId: 'promoter',
    projectId: 'project',
    applicationId: 'application',
    ruleSetId: 'ruleSet',
    assigneeId: 'user',
    assignee: 'user',
  };
  if (byField[name]) return byField[name];
  if (name !== 'id') return undefined;
  const resource = pathTemplate.replace(/^\/api\/v1\//, '').split('/')[0];
  return (
    {
      organizations: 'organization',
      users: 'user',
      'api-keys': 'apiKey',
      promoters: 'promoter',
      projects: 'project',
      applications: 'application',
      'carpec-sessions': 'session',
      envelopes: 'envelope',
      'funding-rule-sets': 'ruleSet',
      reports: 'reportRun',
      audit: 'application',
    } as Record<string, string>
  )[resource];
}

const cents = fc.oneof(w(6, fc.integer({ min: 0, max: 500_000_000 })), w(1, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), w(1, pick([0, 1, 100])));
const bps = fc.oneof(w(6, fc.integer({ min: 0, max: 10_000 })), w(1, pick([0, 10_000])));
const digits = (n: number) => fc.string({ unit: pick([...'0123456789']), minLength: n, maxLength: n });

/** A plausible value for a field named `name`, when the name says more than the schema. */
function hinted(name: string, s: Schema, p: Pools): fc.Arbitrary<Value> | undefined {
  if (s.enum) return undefined;
  if (s.format === 'uuid') return idArb(p, kindOf(name));
  if (/On$/.test(name) || name === 'date' || name === 'sessionDate' || (typeof s.example === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s.example))) return validDate;
  if (s.format === 'date-time' || name === 'expiresAt' || name === 'updatedSince')
    return fc.oneof(
      fc.integer({ min: 1, max: 400 }).map((n) => new Date(Date.now() + n * 86_400_000).toISOString()),
      fc.integer({ min: -400, max: 0 }).map((n) => new Date(Date.now() + n * 86_400_000).toISOString()),
    );
  if (/Cents$/.test(name)) return name === 'amountCents' && /adjust/i.test(s.description ?? '') ? fc.integer({ min: -1_000_000, max: 1_000_000 }) : cents;
  if (/Bps$/.test(name)) return bps;
  switch (name) {
    case 'email':
      return fc.oneof(...(p.emails.length ? [w(3, pick(p.emails))] : []), w(2, fc.emailAddress().filter(safe)));
    case 'password':
      return fc.oneof(
        w(3, fc.constant(p.password)),
        w(
          2,
          safeString(60).filter((x) => x.length >= 12),
        ),
        w(1, safeString(12)),
      );
    case 'refreshToken':
      return fc.oneof(...(p.refreshTokens.length ? [w(3, pick(p.refreshTokens))] : []), w(2, headerString(80)));
    case 'regionCode':
      return pick(['84', '84', '84', '53', '11', '2A', '084']);
    case 'departmentCode':
      return pick(['43', '63', '74', '2A', '971', '00', '99']);
    case 'inseeCode':
    case 'communeInsee':
      return fc.oneof(
        ...(p.insee.length ? [w(3, pick(p.insee))] : []),
        w(
          2,
          digits(3).map((d) => `43${d}`),
        ),
        w(1, pick(['2A004', '97411', '00000'])),
      );
    case 'siren':
      return fc.oneof(...(p.sirens.length ? [w(2, pick(p.sirens))] : []), w(2, digits(9)));
    case 'finessEj':
    case 'finessEt':
      return fc.oneof(pick(['430000123', '430000131', '2A0000123']), digits(9));
    case 'population':
    case 'populationServed':
      return fc.integer({ min: 0, max: 200_000 });
    case 'doctorsPlanned':
    case 'professionalsPlanned':
    case 'minDoctors':
      return fc.integer({ min: 0, max: 30 });
    case 'priority':
      return fc.integer({ min: 1, max: 10 });
    case 'limit':
      return fc.integer({ min: 1, max: 200 });
    case 'step':
      return fc.integer({ min: 1, max: 3 });
    case 'cursor':
      return idArb(p, undefined).map((id) => Buffer.from(id).toString('base64url'));
    case 'entity':
      return pick(['application', 'project', 'promoter', 'commune', 'user', 'organization', 'envelope', 'fundingPlan', 'ruleSet']);
    case 'q':
      return fc.oneof(
        safeString(20).filter((x) => x.length > 0),
        pick(['MSP', 'evian', '74500', 'Brioude', 'é']),
      );
    case 'format':
      return pick(['csv', 'xlsx']);
  }
  return undefined;
}

export interface Ctx {
  doc: OpenApi;
  pools: Pools;
}

function resolve(c: Ctx, s: Schema): Schema {
  // One schema behind a composition (a nullable reference, or allOf of one): that schema,
  // nullable when a null branch stood beside it.
  const branches = s.oneOf ?? s.anyOf ?? s.allOf;
  if (branches) {
    const real = branches.filter((b) => !isNullOnly(b));
    if (real.length === 1) {
      const inner = resolve(c, real[0]);
      return { ...inner, nullable: inner.nullable || s.nullable || real.length < branches.length, description: s.description ?? inner.description };
    }
  }
  if (!s.$ref) return s;
  const r = resolveRef(c.doc, s.$ref);
  if (!r) throw new Error(`unresolved $ref ${s.$ref}`);
  return r;
}

/** A value that the schema admits, most of the time (valid-ish: a fuzz starts near the target). */
export function validArb(c: Ctx, schema: Schema, name = '', depth = 0, full = false): fc.Arbitrary<Value> {
  const s = resolve(c, schema);
  const inner = (): fc.Arbitrary<Value> => {
    const h = hinted(name, s, c.pools);
    if (h) return h;
    if (s.enum) return pick(s.enum as Value[]);
    switch (s.type) {
      case 'boolean':
        return fc.boolean();
      case 'number':
      case 'integer':
        return fc.integer({ min: s.minimum ?? 0, max: s.maximum ?? Math.max(100, typeof s.example === 'number' ? s.example : 0) });
      case 'array':
        return fc.array(validArb(c, s.items ?? {}, name.replace(/s$/, ''), depth + 1, full), { minLength: 1, maxLength: depth > 2 ? 1 : 3 });
      case 'object':
      case undefined: {
        if (s.properties) {
          const model: Record<string, fc.Arbitrary<Value>> = {};
          for (const [k, v] of Object.entries(s.properties)) model[k] = validArb(c, v, k, depth + 1, full);
          // full: every optional property too (the field sweep visits each one).
          return full ? fc.record(model) : fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in model) });
        }
        // { FUNDER: … }: the rule set's funders, the requested rates.
        const valueSchema = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
        const value = valueSchema ? validArb(c, valueSchema, name, depth + 1, full) : bps;
        if (s.type === undefined && !valueSchema) return safeString();
        return fc
          .subarray(FUNDERS, { minLength: 1, maxLength: 3 })
          .chain((keys) => fc.tuple(...keys.map(() => value)).map((vs) => Object.fromEntries(keys.map((k, i) => [k, vs[i]])) as Value));
      }
      default: {
        // string
        const examples = s.example !== undefined && typeof s.example === 'string' ? [w(2, fc.constant(s.example))] : [];
        return fc.oneof(...examples, w(3, fc.string({ minLength: s.minLength ?? 1, maxLength: Math.min(s.maxLength ?? 40, 40) }).filter(safe)), w(1, safeString(30)));
      }
    }
  };
  const value = inner();
  return s.nullable ? fc.oneof(w(5, value), w(1, fc.constant(null))) : value;
}

/** A value the field must refuse (or at least survive): field-aware first, then anything. */
export function badArb(c: Ctx, schema: Schema, name: string): fc.Arbitrary<Value> {
  const s = resolve(c, schema);
  const specific: fc.Arbitrary<Value>[] = [];
  if (s.enum?.length) {
    const e = s.enum.map(String);
    specific.push(
      pick(e).chain((x) => pick([x.toLowerCase(), `${x} `, ` ${x}`, `${x}\u0000`, x.slice(0, -1), `${x}S`])),
      pick(['FOO', 'ADMIN', 'REPORTING', 'OTHER_VALUE', '*', ...FUNDERS]),
    );
  }
  if (s.format === 'uuid' || /Id$/.test(name)) specific.push(invalidUuid);
  if (/On$/.test(name) || name === 'date' || name === 'sessionDate' || name === 'updatedSince' || name === 'expiresAt' || s.format === 'date-time') specific.push(badDate);
  if (/Cents$/.test(name)) specific.push(pick([-1, -0.01, 0.5, 1.5, -100, 2 ** 53, 2 ** 53 + 2, 1e21, -1e21, 1e308, '100', '1e3']));
  if (/Bps$/.test(name)) specific.push(pick([-1, 10_001, 0.5, 99_999, 2 ** 31, '3000']));
  switch (s.type) {
    case 'number':
    case 'integer':
      specific.push(hostileNumber);
      break;
    case 'boolean':
      specific.push(pick(['true', 'false', 1, 0, 'yes', 'oui', '', [true]]));
      break;
    case 'string':
      specific.push(hugeString, pick(['', ' ', '\t', 0, 1, true, [], {}]), fc.string({ minLength: (s.maxLength ?? 200) + 1, maxLength: (s.maxLength ?? 200) + 2 }));
      break;
    case 'array':
      specific.push(
        validArb(c, s.items ?? {}, name).map((x) => [x, x]),
        validArb(c, s.items ?? {}, name).map((x) => Array.from({ length: 501 }, () => x)),
        pick([[], [null], [[]], 'REGION', {}]),
      );
      break;
    case 'object':
      specific.push(pick<Value>([[], 'x', 1, { '': 1 }, { REGION: 'x' }, { NOT_A_FUNDER: 1 }, { REGION: null }]));
      break;
  }
  return fc.oneof(...(specific.length ? [w(3, fc.oneof(...specific))] : []), w(2, anyHostile));
}

export const anyHostile: fc.Arbitrary<Value> = fc.oneof(
  w(3, pick([null, true, false, 0, -1, 0.5, 1e308, '', [], {}, [1, 'a', null], { a: { b: { c: {} } } }] as Value[])),
  w(2, safeString()),
  w(2, hostileNumber),
  w(1, hugeString),
  w(1, deepValue),
  w(1, pick(INVALID_DATES)),
  w(1, invalidUuid),
  w(
    1,
    fc
      .jsonValue({ maxDepth: 3 })
      .map((v) => JSON.parse(JSON.stringify(v)) as Value)
      .filter((v) => safe(JSON.stringify(v))),
  ),
  w(1, fc.constant(protoObject({ isAdmin: true, role: 'ADMIN', regionCode: '53' }))),
  w(1, fc.constant({ constructor: { prototype: { polluted: true } } })),
);

const UNKNOWN_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'id',
  'version',
  'regionCode',
  'createdAt',
  'role',
  'isAdmin',
  '',
  ' ',
  'a.b',
  '$where',
  'toString',
  'hasOwnProperty',
  'password',
];
const unknownKey = fc.oneof(w(3, pick(UNKNOWN_KEYS)), w(2, safeString(20)));

type Path = (string | number)[];
interface Spot {
  path: Path;
  schema: Schema;
  name: string;
}

/** Every place of `v` with the schema that describes it, the root included. */
function spots(c: Ctx, schema: Schema, v: Value, path: Path = [], name = ''): Spot[] {
  const s = resolve(c, schema);
  const here: Spot = { path, schema: s, name };
  if (Array.isArray(v)) return [here, ...v.flatMap((x, i) => spots(c, s.items ?? {}, x, [...path, i], name))];
  if (v && typeof v === 'object' && !(v instanceof Raw)) {
    return [
      here,
      ...Object.keys(v).flatMap((k) => {
        const child = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : { type: 'integer', description: k });
        return spots(c, child, v[k], [...path, k], s.properties?.[k] ? k : typeof s.additionalProperties === 'object' ? name : 'rateBps');
      }),
    ];
  }
  return [here];
}

type Mutation = { op: 'set'; path: Path; value: Value } | { op: 'delete'; path: Path } | { op: 'add'; path: Path; key: string; value: Value };

function mutationArb(c: Ctx, all: Spot[]): fc.Arbitrary<Mutation> {
  const inner = all.filter((s) => s.path.length > 0);
  const containers = all.filter((s) => ['object', undefined].includes(s.schema.type) || s.schema.properties);
  return fc.oneof(
    ...(inner.length
      ? [
          w(
            6,
            pick(inner).chain((s) => badArb(c, s.schema, s.name).map((value): Mutation => ({ op: 'set', path: s.path, value }))),
          ),
          w(
            2,
            pick(inner).map((s): Mutation => ({ op: 'delete', path: s.path })),
          ),
        ]
      : []),
    w(
      2,
      fc.tuple(pick(containers.length ? containers : all), unknownKey, anyHostile).map(([s, key, value]): Mutation => ({ op: 'add', path: s.path, key, value })),
    ),
  );
}

function apply(root: Value, m: Mutation): Value {
  if (m.path.length === 0) {
    if (m.op === 'set') return m.value;
    if (m.op === 'delete') return {};
  }
  const parentPath = m.op === 'add' ? m.path : m.path.slice(0, -1);
  let node: Value = root;
  for (const k of parentPath) {
    if (node === null || typeof node !== 'object' || node instanceof Raw) return root;
    node = (node as Record<string | number, Value>)[k];
  }
  if (node === null || typeof node !== 'object' || node instanceof Raw) return root;
  if (m.op === 'add') {
    if (!Array.isArray(node)) put(node, m.key, m.value);
    return root;
  }
  const key = m.path[m.path.length - 1];
  if (Array.isArray(node)) {
    if (typeof key !== 'number') return root;
    if (m.op === 'delete') node.splice(key, 1);
    else node[key] = m.value;
  } else if (m.op === 'delete') delete node[key];
  else put(node, String(key), m.value);
  return root;
}

/** Each place of a valid body in turn set to null, left out, and given a value of another type. */
export function fieldVariants(c: Ctx, schema: Schema, valid: Value): { where: string; body: Value }[] {
  const out: { where: string; body: Value }[] = [];
  for (const spot of spots(c, schema, valid)) {
    if (spot.path.length === 0) continue;
    let current: Value = valid;
    for (const k of spot.path) current = (current as Record<string | number, Value>)[k];
    const other: Value =
      typeof current === 'string' ? 1 : typeof current === 'number' ? '1' : typeof current === 'boolean' ? 'true' : Array.isArray(current) ? {} : current === null ? 'x' : [];
    const where = spot.path.join('.');
    const variants: [string, Mutation][] = [
      ['null', { op: 'set', path: spot.path, value: null }],
      ['absent', { op: 'delete', path: spot.path }],
      ['of another type', { op: 'set', path: spot.path, value: other }],
    ];
    for (const [how, m] of variants) out.push({ where: `${where} ${how}`, body: apply(clone(valid), m) });
  }
  return out;
}

/** A valid-ish body, then mutated 1 to 3 times (or left valid, to reach the services). */
export function mutatedArb(c: Ctx, schema: Schema): fc.Arbitrary<Value> {
  return validArb(c, schema).chain((valid) => {
    const all = spots(c, schema, valid);
    return fc.oneof(
      w(3, fc.constant(valid)),
      w(
        7,
        fc.array(mutationArb(c, all), { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce((v, m) => apply(v, m), clone(valid))),
      ),
    );
  });
}

/** Bodies that are not the JSON object a route expects at all. */
export const RAW_BODIES = [
  '',
  '{',
  '}',
  '[',
  '{"a":}',
  '{"a" 1}',
  "{'a':1}",
  'nul',
  'null',
  'true',
  '1',
  '-1e999',
  '"x"',
  '[]',
  '[{}]',
  '[null]',
  '{"a":1,"a":2}',
  '{"__proto__":{"isAdmin":true,"role":"ADMIN"}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '\ufeff{}',
  '{}garbage',
  '{}{}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":"\u0000"}',
  '\u0000',
  '{"a":1e999}',
  '{"a":-0}',
];

export const rawBodyArb: fc.Arbitrary<Raw> = fc.oneof(
  w(
    6,
    pick(RAW_BODIES).map((t) => new Raw(t)),
  ),
  w(2, deepValue),
  w(1, fc.constant(0).map(tooLarge)),
);

// ---------------------------------------------------------------- CSV uploads

const CSV_CELLS: Record<string, fc.Arbitrary<string>> = {
  inseeCode: fc.oneof(
    digits(3).map((d) => `43${d}`),
    pick(['2A004', '97411', '00000', '4304', '430400', '']),
  ),
  name: fc.oneof(pick(['Brioude', 'Évian-les-Bains', 'Le Puy-en-Velay']), fc.string({ maxLength: 30 }).filter(safe)),
  departmentCode: pick(['43', '63', '74', '2A', '00', '']),
  regionCode: pick(['84', '53', '']),
  population: fc.oneof(fc.integer({ min: 0, max: 100_000 }).map(String), pick(['-1', '1.5', '1e3', 'abc', '9999999999999', ''])),
  zone: pick(['ZIP', 'ZAC', 'NONE', 'zip', 'QPV', '']),
  qpv: pick(['true', 'false', '1', '0', 'oui', 'non', 'maybe', '']),
  island: pick(['true', 'false', '1', '0', 'yes', '']),
  rural: pick(['true', 'false', '1', 'no', '?']),
};
const csvHostileCell = pick(['"', '"unbalanced', 'a"b', '"a""b"', '=1+1', '@SUM(A1)', 'a\nb', '"a\nb"', ';', ',', ' ', '\u0000', '\ufeff', 'x'.repeat(10_000)]);
const csvQuote = (s: string) => (/[",;\n\r]/.test(s) && !s.startsWith('"') ? `"${s.replace(/"/g, '""')}"` : s);

/** A CSV upload for `columns`: valid-ish rows, hostile cells, wrong headers, garbage. */
export function csvArb(columns: string[]): fc.Arbitrary<string> {
  const cell = (col: string) => fc.oneof(w(5, (CSV_CELLS[col] ?? safeString(20)).map(csvQuote)), w(1, csvHostileCell));
  const row = fc.tuple(...columns.map(cell)).map((cells) => cells.join(','));
  const header = fc.oneof(
    w(6, fc.constant(columns.join(','))),
    w(
      1,
      fc.shuffledSubarray(columns, { minLength: columns.length, maxLength: columns.length }).map((c) => c.join(';')),
    ),
    w(1, fc.constant(columns.slice(1).join(','))),
    w(1, fc.constant([...columns, 'extra'].join(','))),
    w(1, fc.constant(`\ufeff${columns.join(',')}`)),
    w(1, fc.constant(columns.join(',').toUpperCase())),
  );
  return fc.oneof(
    w(
      8,
      fc.tuple(header, fc.array(row, { minLength: 0, maxLength: 6 }), pick(['\n', '\r\n'])).map(([h, rows, eol]) => [h, ...rows].join(eol)),
    ),
    w(
      1,
      fc.tuple(header, row).map(([h, r]) => `${h}\n${r},extra\n${r.split(',').slice(1).join(',')}`),
    ),
    w(1, pick(['', ' ', '\n\n', 'not,a,csv\n"', '"', '{"json":true}', '\u0000\u0001'])),
  );
}

/** The columns a CSV route names in its description ("…with the header a,b,c…"). */
export const csvColumnsOf = (op: Operation): string[] | undefined => {
  const content = op.requestBody?.content?.['text/csv'];
  if (!content) return undefined;
  const text = `${op.requestBody?.description ?? ''} ${content.schema.description ?? ''}`;
  return /header ([\w]+(?:,[\w]+)+)/.exec(text)?.[1].split(',');
};

// ---------------------------------------------------------------- path, query, headers

/** Raw text put into the URL as it is (not encoded): broken escapes, dot segments. */
export const RAW_PATH_VALUES = ['%', '%E0%A4%A', '%00', '%2F', '%2e%2e', '..', '.', '%ZZ', '%C0%AF', '%u0041', '+', ';x=1', 'a?b=c', '#frag'];

/** encodeURIComponent, with lone surrogates (which it refuses) replaced by U+FFFD. */
export const encodeComponent = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

export function pathValueArb(c: Ctx, name: string, template: string): fc.Arbitrary<string> {
  const hostile = fc.oneof(
    w(3, invalidUuid.map(encodeComponent)),
    w(
      2,
      safeString(30)
        .filter((x) => x.length > 0)
        .map(encodeComponent),
    ),
    w(2, pick(RAW_PATH_VALUES)),
    w(
      1,
      pick([199, 200, 201, 500, 5_000]).map((n) => 'a'.repeat(n)),
    ),
  );
  let good: fc.Arbitrary<string>;
  if (name === 'funder') good = fc.oneof(w(4, pick(FUNDERS)), w(1, pick(['region', 'REGION ', 'FOO', 'constructor', '__proto__', 'toString'])));
  else if (name === 'inseeCode') good = validArb(c, { type: 'string' }, 'inseeCode').map(asText);
  else if (name === 'siren') good = validArb(c, { type: 'string' }, 'siren').map(asText);
  // A follow-up year (PUT /projects/{id}/follow-up/{year}): mostly in range, sometimes just outside.
  else if (name === 'year') good = fc.oneof(w(6, fc.integer({ min: 2000, max: 2030 })), w(1, pick([1999, 2101, 2100, 0, 99999]))).map(String);
  else good = idArb(c.pools, kindOf(name, template));
  return fc.oneof(w(8, good), w(2, hostile));
}

/** A path parameter that names an existing row when it can (the "near" cases: deep code). */
export function existingPathValueArb(c: Ctx, name: string, template: string): fc.Arbitrary<string> {
  if (name === 'funder') return pick(FUNDERS);
  if (name === 'inseeCode' && c.pools.insee.length) return pick(c.pools.insee);
  if (name === 'siren' && c.pools.sirens.length) return pick(c.pools.sirens);
  const own = c.pools.ids[kindOf(name, template) ?? ''] ?? [];
  return own.length ? pick(own) : pathValueArb(c, name, template);
}

/** `?a=1`: each parameter of the document absent or valid. */
export function validQueryArb(c: Ctx, params: Parameter[]): fc.Arbitrary<string> {
  const one = (p: Parameter) =>
    fc.oneof(
      w(2, fc.constant<string[]>([])),
      w(
        1,
        validArb(c, p.schema ?? { type: 'string' }, p.name).map((v) => [`${p.name}=${encodeComponent(asText(v))}`]),
      ),
    );
  return fc.tuple(...params.filter((p) => p.in === 'query').map(one)).map((parts) => (parts.flat().length ? `?${parts.flat().join('&')}` : ''));
}

/** `?a=1&b=2`: the parameters of the document, valid, bad or absent, and unknown ones. */
export function queryArb(c: Ctx, params: Parameter[]): fc.Arbitrary<string> {
  const one = (p: Parameter) =>
    fc.oneof(
      w(5, fc.constant<string[]>([])),
      w(
        4,
        validArb(c, p.schema ?? { type: 'string' }, p.name).map((v) => [`${p.name}=${encodeComponent(asText(v))}`]),
      ),
      w(
        3,
        badArb(c, p.schema ?? { type: 'string' }, p.name).map((v) => [`${p.name}=${encodeComponent(asText(v))}`]),
      ),
      w(
        1,
        fc
          .tuple(validArb(c, p.schema ?? { type: 'string' }, p.name), validArb(c, p.schema ?? { type: 'string' }, p.name))
          .map(([a, b]) => [`${p.name}=${encodeComponent(asText(a))}`, `${p.name}=${encodeComponent(asText(b))}`]),
      ),
      w(
        1,
        pick(['', '%', '%E0%A4%A', '%00', '[]', '[0]']).map((raw) => [raw.startsWith('[') ? `${p.name}${raw}=1` : `${p.name}=${raw}`]),
      ),
      w(1, fc.constant([p.name])),
    );
  const extra = fc.oneof(
    w(6, fc.constant<string[]>([])),
    w(
      1,
      fc
        .tuple(
          unknownKey.filter((k) => k.length > 0),
          safeString(10),
        )
        .map(([k, v]) => [`${encodeComponent(k)}=${encodeComponent(v)}`]),
    ),
    w(1, pick(['__proto__[x]=1', 'constructor[prototype][x]=1', '&&&', '=', '=x', 'a=1&a=2&a=3'].map((s) => [s]))),
  );
  return fc.tuple(fc.tuple(...params.filter((p) => p.in === 'query').map(one)), extra).map(([parts, more]) => {
    const all = [...parts.flat(), ...more];
    return all.length ? `?${all.join('&')}` : '';
  });
}

export const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/problem+json',
  'text/plain',
  'text/csv',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'application/json, text/plain',
  '',
];

export const IF_MATCH = ['"1"', '1', 'W/"1"', '*', '"0"', '"-1"', '"99999999999999999999"', '"abc"', '""', 'null', '"1", "2"'];
