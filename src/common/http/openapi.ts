// The OpenAPI document, completed: what @nestjs/swagger cannot know from the decorators alone
// is added here, once, from the same facts the service runs on. Who may call a route (@Public,
// @Roles), which POSTs take an Idempotency-Key (the interceptor on the handler), which writes
// take If-Match (@ApiIfMatch), and the problems each route can answer (RFC 9457, one shared
// schema). The committed openapi.json is this document (`npm run openapi`); the contract test
// (test/contract/openapi.e2e-spec.ts) keeps both equal and lints them.
import { STATUS_CODES } from 'node:http';
import { applyDecorators, type INestApplication, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer, Reflector } from '@nestjs/core';
import {
  ApiHeader,
  ApiResponse,
  type HeaderObject,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
} from '@nestjs/swagger';
import type { Role } from '../../generated/prisma/enums.js';
import { IS_PUBLIC, ROLES } from '../access/decorators.js';
import { ApiProblem, busy, businessRule, conflict, forbidden, invalid, notFound, preconditionFailed, problemType, unauthorized } from '../errors/problem.js';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor.js';
import { LocationInterceptor } from './location.js';

/** The problems the document describes by name (components.responses). */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 414 | 415 | 416 | 422 | 429 | 503;

const RETRY_AFTER: Record<string, HeaderObject> = {
  'Retry-After': { description: 'Seconds to wait before sending the request again.', schema: { type: 'integer', minimum: 1 } },
};

/** An example of what problem.filter.ts answers for `problem` (the factories of problem.ts). */
const example = (problem: ApiProblem, instance: string) => ({ ...problem.toProblem(), instance, requestId: '0193a4b2-7c1e-7d3a-9f00-2b5c8e1d4a60' });
const DOSSIER = '/api/v1/applications/0193a4b2-6f00-7a10-8000-5e2d1c3b4a59';

/** Each named problem: its component's name, what it means in general, its example. */
const PROBLEMS: Record<ProblemStatus, { name: string; description: string; headers?: Record<string, HeaderObject>; example: Record<string, unknown> }> = {
  400: {
    name: 'BadRequest',
    description:
      'The input is invalid: `errors` names each field refused (a path parameter, a query parameter, a header or a body field; for a CSV upload, its `line`). ' +
      'The NUL character and JSON nested deeper than 32 levels are refused in any input.',
    example: example(invalid([{ field: 'heldOn', message: 'must be a date YYYY-MM-DD that exists' }]), `${DOSSIER}/site-meeting`),
  },
  401: {
    name: 'Unauthorized',
    description: 'No valid credentials: a bearer access token (POST /api/v1/auth/login) or an X-API-Key, unexpired, of an active account.',
    headers: { 'WWW-Authenticate': { description: 'The scheme to authenticate with.', schema: { type: 'string', example: 'Bearer' } } },
    example: example(unauthorized(), DOSSIER),
  },
  403: {
    name: 'Forbidden',
    description: "The caller's role may not do this, or what it asks belongs to a wider territory than the caller's (a région-wide write by a département's caller).",
    example: example(forbidden('The role AUDITOR may not do this.'), DOSSIER),
  },
  404: {
    name: 'NotFound',
    description: "No such resource in the caller's territory: another region's (or, for a département's caller, another département's) is not found either.",
    example: example(notFound('Dossier 0193a4b2-6f00-7a10-8000-5e2d1c3b4a59'), DOSSIER),
  },
  409: {
    name: 'Conflict',
    description:
      "The request conflicts with the resource's state: a move its status does not allow (`currentStatus`, `allowedActions`), a duplicate, a change lost to a concurrent " +
      'request (`currentVersion`: read it again and retry), or a request with the same Idempotency-Key still running.',
    example: example(
      conflict('The dossier was changed by another request meanwhile; read it again and retry.', {
        currentStatus: 'SUBMITTED',
        allowedActions: ['SCHEDULE_OPINION', 'WITHDRAW', 'CLOSE'],
      }),
      `${DOSSIER}/submit`,
    ),
  },
  412: {
    name: 'PreconditionFailed',
    description: 'If-Match names another version than the current one, given as `currentVersion`: read the resource again before changing it.',
    example: example(preconditionFailed(4), DOSSIER),
  },
  413: {
    name: 'ContentTooLarge',
    description: 'The body is larger than the service reads: 1 MiB (BODY_LIMIT_BYTES), 5 MiB for a CSV upload, 20 MB for a pièce (DOCUMENTS_MAX_BYTES).',
    example: example(new ApiProblem(413, 'Request body is too large'), `${DOSSIER}/site-meeting`),
  },
  414: {
    name: 'UriTooLong',
    description: 'A path parameter is longer than 200 characters.',
    example: example(new ApiProblem(414, 'URI Too Long'), DOSSIER),
  },
  415: {
    name: 'UnsupportedMediaType',
    description:
      'The body is of a media type the service does not read: application/json (text/csv or text/plain for the CSV uploads, multipart/form-data for a pièce, whose content must be a PDF, an image, an office document or a CSV file).',
    example: example(new ApiProblem(415, 'Unsupported Media Type: application/xml'), `${DOSSIER}/site-meeting`),
  },
  416: {
    name: 'RangeNotSatisfiable',
    description: 'The Range asked lies outside the bytes of the pièce: Content-Range gives their size.',
    headers: { 'Content-Range': { description: 'bytes */<size>', schema: { type: 'string', example: 'bytes */482113' } } },
    example: example(
      new ApiProblem(416, 'The range bytes=500000- is outside the 482113 bytes of the pièce.', 'range-not-satisfiable', { sizeBytes: 482113 }),
      `${DOSSIER}/documents/0193a4b2-7000-7a10-8000-5e2d1c3b4a60/content`,
    ),
  },
  422: {
    name: 'UnprocessableEntity',
    description:
      'A business rule refuses the request: `rule` names it (docs/domain.md lists them), with the values it compared. Also: an Idempotency-Key sent again with another body.',
    example: example(businessRule('convention-required', "Completion needs the project's convention: ACCORD_NATIONAL or ACI."), `${DOSSIER}/complete`),
  },
  429: {
    name: 'TooManyRequests',
    description: 'Too many requests from this caller (user or API key): Retry-After says when to send again.',
    headers: RETRY_AFTER,
    example: example(new ApiProblem(429, 'Too many requests; try again in 2 s.', 'rate-limited'), DOSSIER),
  },
  503: {
    name: 'ServiceUnavailable',
    description:
      'The database is unreachable or too busy to take the request in time, or the instance is shutting down. Send the request again after Retry-After ' +
      'seconds; a write whose connection was lost may have been applied: send it with the same Idempotency-Key to learn its outcome.',
    headers: RETRY_AFTER,
    example: example(busy(), DOSSIER),
  },
};

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
const isProblemStatus = (status: number): status is ProblemStatus => status in PROBLEMS;

/**
 * The problems a route answers beyond those its shape implies (see completeDocument), each
 * with what causes it there; a bare status when the general description says it all.
 */
export const ApiProblems = (...problems: (ProblemStatus | readonly [ProblemStatus, string])[]) =>
  applyDecorators(
    ...problems.map((p) => {
      const [status, description] = typeof p === 'number' ? [p, PROBLEMS[p].description] : p;
      return ApiResponse({ status, description });
    }),
  );

/** A write that reads If-Match (common/http/conditional.ts): the header, and its 412. */
export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The version the write expects, as the ETag gave it ("3"; W/"3" and * are read too). Another version: 412. Absent: no check.',
    schema: { type: 'string', pattern: '^\\s*((W/)?"\\d{1,9}"|\\*)\\s*$', example: '"3"' },
  });

const TAGS: Record<string, string> = {
  auth: 'Logging in: access and refresh tokens, and who the caller is.',
  organizations: "The ARS and its partners (Région, préfectures, conseils départementaux, CPAM): each caller's territory and funders.",
  users: "People's accounts, each in an organisation, with one role.",
  'api-keys': 'Keys of integrations and nightly jobs, each with a role in an organisation.',
  communes: "The region's communes and their zoning (ZIP, ZAC, QPV, islands), which make a dossier eligible; loaded from the State's dataset or CSV.",
  epcis: 'Intercommunalities (EPCI) of the communes, with their DETR eligibility.',
  promoters: 'Who carries a project: communes, intercommunalities, professionals’ associations, SISA.',
  projects: 'Maisons and centres de santé planned or extended, and the yearly follow-up of their site.',
  applications: 'Dossiers: the procedure of a project through étapes 1 to 3 (or an audit), moved by the actions its status allows.',
  documents: "A dossier's pièces (request, projet de santé, engagement de conformité, convention…): streamed uploads sniffed and checksummed, versions, withdrawals, downloads.",
  notes: "Internal notes of the ARS's staff on a dossier, never shown to partners.",
  webhooks:
    "Signed, retried deliveries of the service's events to partners' systems (Standard Webhooks): subscriptions per organisation, each receiving the events of its scope; the delivery log, test events, redelivery.",
  calls:
    'Calls for applications (appels à candidatures): the campaigns through which promoters apply, for étape 1 or the audit, optionally collected on Démarches Simplifiées; dossiers belong to one.',
  dashboard: "Where the territory's dossiers stand, the récépissé deadlines and idle dossiers, and the envelopes by funder: the console's first page.",
  notifications: "The daily e-mail of what waits for each person (instructors' dossiers and deadlines, the director's signatures), and the choice to receive it.",
  carpec: 'CARPEC séances: their agenda and the opinions (avis) they give on dossiers.',
  funding: "Rule sets, a dossier's expenses and funding plan (the split between funders), and the partners' commitments and payments.",
  envelopes: "Each funder's programme amounts, consumed by committed plans.",
  reports: 'Report runs (nightly or on demand) and their files.',
  audit: "The region's hash-chained audit trail: one row per write.",
  health: 'Probes for the orchestrator.',
};

const API_DESCRIPTION = [
  '',
  'Conventions:',
  '- Authentication: a bearer access token (POST /api/v1/auth/login) or an `X-API-Key`; each operation lists the roles it admits.',
  '- Every error is `application/problem+json` (the `Problem` schema), with the request id to quote. Besides those each operation lists, any request may be answered ' +
    '431 (request line or headers too large) by the HTTP parser, before any route is known.',
  '- Versioned resources answer their version as `ETag`; writes that take `If-Match` answer 412 when it no longer matches.',
  '- Any authenticated POST takes an `Idempotency-Key`: the same key and body answer the first outcome again, nothing is done twice.',
  '- Lists are pages: `limit` and `cursor` (the previous page’s `nextCursor`).',
].join('\n');

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface RouteFacts {
  public: boolean;
  roles: readonly Role[];
  /** The Idempotency-Key interceptor acts on it: an authenticated POST (app.module.ts puts it on every POST; it skips public ones). */
  idempotent: boolean;
  /** @Created: its 201 carries Location (location.ts). */
  location: boolean;
}

/** What each handler's decorators say, by the operationId @nestjs/swagger gives it (`Controller_method`). */
function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const reflector = app.get(Reflector);
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const interceptors = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? [];
        const open = reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [handler, controller]) === true;
        facts.set(`${controller.name}_${name}`, {
          public: open,
          roles: reflector.getAllAndOverride<Role[] | undefined>(ROLES, [handler, controller]) ?? [],
          idempotent: !open && interceptors.includes(IdempotencyInterceptor),
          location: interceptors.includes(LocationInterceptor),
        });
      }
    }
  }
  return facts;
}

const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** The Problem schema: problem.ts and problem.filter.ts build every error this way. */
const PROBLEM_SCHEMAS: Record<string, SchemaObject> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details: the one shape of every error. Some problems carry more members than those listed here, naming the values a rule compared.',
    required: ['type', 'title', 'status', 'detail', 'instance', 'requestId'],
    properties: {
      type: {
        type: 'string',
        description:
          'The kind of problem: tag:msp-funding,2026:problem/ then validation, unauthenticated, forbidden, not-found, conflict, version-mismatch, rule/<rule>, rate-limited, busy or unavailable; or about:blank.',
        example: problemType('not-found'),
      },
      title: { type: 'string', description: "The status's phrase.", example: 'Not Found' },
      status: { type: 'integer', minimum: 400, maximum: 599, example: 404 },
      detail: { type: 'string', description: 'What went wrong, for a person to read.', example: 'Dossier 01a236fb-ad5e-7576-b488-e3f7226133c1 not found.' },
      instance: { type: 'string', description: 'The path of the request, without its query.', example: DOSSIER },
      requestId: { type: 'string', description: "The request's id (the X-Request-Id header): quote it to the operators.", example: '0193a4b2-7c1e-7d3a-9f00-2b5c8e1d4a60' },
      errors: {
        type: 'array',
        description: '400: each field refused.',
        items: { $ref: '#/components/schemas/ProblemFieldError' },
        example: [{ field: 'heldOn', message: 'must be a date YYYY-MM-DD that exists' }],
      },
      rule: { type: 'string', description: '422, and some 409: the business rule that refused the request.', example: 'dates-out-of-order' },
      currentStatus: { type: 'string', description: '409 on a dossier: its status now.', example: 'DRAFT' },
      allowedActions: {
        type: 'array',
        items: { type: 'string' },
        description: "409 on a dossier: what the caller's role may do from its status.",
        example: ['SCHEDULE_OPINION', 'WITHDRAW', 'CLOSE'],
      },
      currentVersion: { type: 'integer', description: '412, and a change lost to a concurrent one (409): the current version.', example: 4 },
    },
    additionalProperties: true,
  },
  ProblemFieldError: {
    type: 'object',
    required: ['field', 'message'],
    properties: {
      field: { type: 'string', description: 'The field, as the request names it (items of an array as [0].name).', example: 'heldOn' },
      message: { type: 'string', example: 'must be a date YYYY-MM-DD that exists' },
      line: { type: 'integer', minimum: 1, description: 'A CSV upload: the line of the file (the header is line 1).', example: 12 },
    },
  },
};

/** Reasons for one status of one operation: `own` when the route states them (decorators), else the general ones. */
interface Reasons {
  texts: string[];
  own: boolean;
}

/**
 * Completes the document @nestjs/swagger built: servers, tags, info, the Problem schema and
 * the named problem responses, each operation's security and problems, nullable references.
 */
export function completeDocument(app: INestApplication, document: OpenAPIObject): OpenAPIObject {
  const facts = routeFacts(app);
  const usedTags = new Set<string>();

  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const fact = facts.get(op.operationId ?? '');
      if (!fact) throw new Error(`OpenAPI: no handler for the operation ${op.operationId} (${method.toUpperCase()} ${path})`);
      completeOperation(path, method, op, fact);
      declareHeaders(document, op, fact);
      for (const tag of op.tags ?? []) usedTags.add(tag);
    }
  }

  document.info.description = `${document.info.description ?? ''}\n${API_DESCRIPTION}`.trim();
  // Not open source (package.json: UNLICENSED): no licence text to link to.
  document.info.license = { name: 'Proprietary (UNLICENSED): not licensed for reuse.' };
  // Each ARS running the service has its own support: the document names none.
  delete document.info.contact;
  document.servers = [{ url: '/', description: 'The instance serving this document (its paths are absolute: /api/v1/…, /health/…).' }];
  document.tags = [...Object.keys(TAGS).filter((t) => usedTags.has(t)), ...[...usedTags].filter((t) => !(t in TAGS))].map((name) => ({ name, description: TAGS[name] }));
  const components = (document.components ??= {});
  components.schemas = { ...components.schemas, ...PROBLEM_SCHEMAS };
  components.responses = Object.fromEntries(
    Object.values(PROBLEMS).map((p) => [
      p.name,
      {
        description: p.description,
        ...(p.headers && { headers: p.headers }),
        content: { 'application/problem+json': { ...PROBLEM_CONTENT['application/problem+json'], example: p.example } },
      },
    ]),
  );
  nullableForOpenApi30(document);
  integersOnly(document);
  return document;
}

function completeOperation(path: string, method: (typeof METHODS)[number], op: OperationObject, fact: RouteFacts): void {
  const parameters = (op.parameters ?? []) as ParameterObject[];
  if (fact.idempotent && !parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key')) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes the POST safe to send again: the same key and body answer the first outcome (nothing done twice); another body: 422; the first still running: 409. Kept 24 h, per caller and path.',
      schema: { type: 'string', pattern: '^[!-~]{1,255}$', example: '2f1c7d1e-5b7a-4c2e-9e1a-8d0f3c6b2a10' },
    });
    op.parameters = parameters;
  }

  const reasons = new Map<number, Reasons>();
  const add = (status: number, text: string, own = false) => {
    const r = reasons.get(status) ?? { texts: [], own: false };
    if (!r.texts.includes(text)) r.texts.push(text);
    r.own ||= own;
    reasons.set(status, r);
  };
  // What the decorators say (ApiProblems, or Nest's Api…Response): the route's own reasons.
  for (const [code, response] of Object.entries(op.responses ?? {})) {
    const status = Number(code);
    if (!(status >= 400)) continue;
    const text = (response as ResponseObject).description ?? '';
    const general = isProblemStatus(status) && text === PROBLEMS[status].description;
    add(status, general || !text ? (isProblemStatus(status) ? PROBLEMS[status].description : (STATUS_CODES[status] ?? 'Error')) : text, !general && !!text);
    delete op.responses[code];
  }

  // What the route's shape implies.
  const has = (where: ParameterObject['in']) => parameters.some((p) => p.in === where);
  // Any route: the NUL character is refused in any query string, declared or not.
  add(400, 'The input is invalid: `errors` names each field refused.');
  if (has('path')) add(404, "No such resource in the caller's territory.");
  // The router refuses a path parameter over maxParamLength (app.factory.ts).
  if (has('path')) add(414, 'A path parameter is longer than 200 characters.');
  // Fastify reads a body on these methods whatever the route declares: over bodyLimit, or of
  // a media type it has no parser for.
  if (['post', 'put', 'patch', 'delete'].includes(method)) {
    add(413, 'The body is larger than the service reads.');
    add(415, 'The body is of a media type the service does not read.');
  }
  if (!fact.public) {
    add(401, 'No valid credentials.');
    add(403, `The caller's role is not among those admitted (${fact.roles.join(', ')}).`);
    add(429, 'Too many requests from this caller: Retry-After.');
  }
  if (fact.idempotent) {
    add(409, 'A request with the same Idempotency-Key is still running.');
    add(422, 'The Idempotency-Key was sent before with another body.');
  }
  if (parameters.some((p) => p.in === 'header' && p.name === 'If-Match')) add(412, 'If-Match names another version than the current one (`currentVersion`).');
  // API requests wait for a turn (common/http/admission.ts) and reach the database.
  if (path.startsWith('/api/')) add(503, 'The database is unreachable or busy, or the instance is shutting down: Retry-After.');

  const success = Object.entries(op.responses ?? {}).map(([code, r]) => {
    const response = r as ResponseObject;
    return [code, { ...response, description: response.description || STATUS_CODES[Number(code)] || 'Success' }] as const;
  });
  const problems = [...reasons.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, r]): [string, ResponseObject | ReferenceObject] => {
      if (isProblemStatus(status) && !r.own) return [String(status), { $ref: `#/components/responses/${PROBLEMS[status].name}` }];
      const headers = isProblemStatus(status) ? PROBLEMS[status].headers : undefined;
      return [String(status), { description: r.texts.map(sentence).join(' '), ...(headers && { headers }), content: PROBLEM_CONTENT }];
    });
  op.responses = Object.fromEntries([...success, ...problems]);

  // Public routes need no credentials; the others take either scheme of app.factory.ts.
  op.security = fact.public ? [] : [{ bearer: [] }, { 'api-key': [] }];
  const access = fact.public ? 'Public: no credentials needed.' : `Roles admitted: ${fact.roles.join(', ')}.`;
  op.description = op.description ? `${op.description}\n\n${access}` : access;
}

const ETAG: HeaderObject = { description: 'The version of the resource answered, for If-Match.', schema: { type: 'string', example: '"3"' } };
const LOCATION: HeaderObject = { description: 'The URL of the resource created.', schema: { type: 'string', example: DOSSIER } };

/**
 * The headers of successful answers, from the facts that set them: the ETag of a body whose
 * schema always has a `version` (pipeline.ts sets it from that member), and the Location of a
 * 201 of @Created (location.ts).
 */
function declareHeaders(document: OpenAPIObject, op: OperationObject, fact: RouteFacts): void {
  for (const [code, response] of Object.entries(op.responses ?? {})) {
    if (!response || !/^2\d\d$/.test(code) || '$ref' in response) continue;
    const ref = (response.content?.['application/json']?.schema as ReferenceObject | undefined)?.$ref;
    const schema = ref ? (document.components?.schemas?.[ref.split('/').pop()!] as SchemaObject | undefined) : undefined;
    const versioned = !!schema?.required?.includes('version') && ['integer', 'number'].includes((schema.properties?.version as SchemaObject | undefined)?.type as string);
    const headers = { ...response.headers };
    if (versioned) headers.ETag = ETAG;
    if (code === '201' && fact.location) headers.Location = LOCATION;
    if (Object.keys(headers).length) response.headers = headers;
  }
}

/**
 * The API has no fractional number: money is integer cents, rates basis points, the rest counts,
 * years, minutes, versions. What @nestjs/swagger emits as `number` (a TypeScript `number`) is an
 * integer, and the response validation of the e2e suite holds every answer to it.
 */
function integersOnly(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(integersOnly);
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(schema)) if (!DATA_KEYS.has(key)) integersOnly(value);
  if (schema.type === 'number') schema.type = 'integer';
}

const NULL_ONLY: SchemaObject = { type: 'object', nullable: true, enum: [null], description: 'null' };
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

/**
 * OpenAPI 3.0.3 reads `nullable` on a schema's own `type` only: `{ nullable, allOf: [$ref] }`,
 * what @nestjs/swagger emits for `@ApiProperty({ type: Dto, nullable: true })`, still refuses
 * null through the $ref. Such a property becomes `oneOf: [$ref, null]`; a nullable enum lists
 * null among its values, as 3.0.3 asks.
 */
function nullableForOpenApi30(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(nullableForOpenApi30);
  if (node === null || typeof node !== 'object') return;
  const schema = node as SchemaObject & Record<string, unknown>;
  for (const [key, value] of Object.entries(schema)) if (!DATA_KEYS.has(key)) nullableForOpenApi30(value);
  if (schema.nullable !== true) return;
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1 && '$ref' in schema.allOf[0] && !schema.properties) {
    const [ref] = schema.allOf;
    delete schema.allOf;
    delete schema.nullable;
    delete schema.type;
    schema.oneOf = [ref, { ...NULL_ONLY }];
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...(schema.enum as unknown[]), null];
}
