// The validator every e2e answer goes through (test/helpers/openapi-validator.ts) must be able
// to fail: each kind of mismatch it exists for, on answers built by hand, and what it admits.
import { OpenApiValidator } from '../helpers/openapi-validator.js';

const v = new OpenApiValidator();
const ID = '0193a4b2-6f00-7a10-8000-5e2d1c3b4a59';
const REQUEST_ID = '0193a4b2-7c1e-7d3a-9f00-2b5c8e1d4a60';
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const PROBLEM_TYPE = { 'content-type': 'application/problem+json; charset=utf-8' };
const me = {
  kind: 'USER',
  id: ID,
  role: 'ADMIN',
  organizationId: ID,
  regionCode: '84',
  departmentCode: null,
  funders: ['REGION'],
  email: 'camille.martin@ars.sante.fr',
  displayName: null,
  name: null,
  organizationName: 'ARS',
  organizationType: 'ARS',
};
const problem = (status: number, instance = '/api/v1/me') => ({ type: 'about:blank', title: 'x', status, detail: 'x', instance, requestId: REQUEST_ID });
const answer = (status: number, body: unknown, headers: Record<string, string> = JSON_TYPE) => ({
  status,
  headers,
  text: body === undefined ? '' : JSON.stringify(body),
});

describe('the OpenAPI validator of the e2e suite', () => {
  it('admits answers the document describes: nullable fields, problems, HEAD, an unknown path answered 404', () => {
    expect(() => v.check('GET', '/api/v1/me', answer(200, me))).not.toThrow();
    expect(() => v.check('GET', '/api/v1/me?x=1', answer(200, me))).not.toThrow();
    expect(() => v.check('GET', '/api/v1/me', answer(401, problem(401), { ...PROBLEM_TYPE, 'www-authenticate': 'Bearer' }))).not.toThrow();
    expect(() => v.check('HEAD', '/api/v1/me', { status: 200, headers: JSON_TYPE, text: '' })).not.toThrow();
    expect(() => v.check('GET', '/api/v1/nothing-here', answer(404, problem(404, '/api/v1/nothing-here'), PROBLEM_TYPE))).not.toThrow();
  });

  it('refuses an undocumented status', () => {
    expect(() => v.check('GET', '/api/v1/me', answer(418, problem(418), PROBLEM_TYPE))).toThrow('undocumented status 418 for GET /api/v1/me');
  });

  it('refuses another content type than the document gives the status', () => {
    expect(() => v.check('GET', '/api/v1/me', answer(200, me, { 'content-type': 'text/csv' }))).toThrow(/content-type text\/csv/);
    expect(() => v.check('GET', '/api/v1/me', answer(404, problem(404), JSON_TYPE))).toThrow(/undocumented status 404|content-type application\/json/);
    expect(() => v.check('GET', `/api/v1/promoters/${ID}`, answer(404, problem(404), JSON_TYPE))).toThrow(/content-type application\/json/);
  });

  it('refuses a body that breaks the schema: a missing field, null where not nullable, a field the document does not list, a bad enum', () => {
    const { email: _, ...missing } = me;
    expect(() => v.check('GET', '/api/v1/me', answer(200, missing))).toThrow(/must have required property 'email'/);
    expect(() => v.check('GET', '/api/v1/me', answer(200, { ...me, regionCode: null }))).toThrow(/\/regionCode must be string/);
    expect(() => v.check('GET', '/api/v1/me', answer(200, { ...me, secret: 'x' }))).toThrow(/must NOT have additional properties/);
    expect(() => v.check('GET', '/api/v1/me', answer(200, { ...me, role: 'ROOT' }))).toThrow(/\/role must be equal to one of the allowed values/);
    expect(() => v.check('GET', '/api/v1/me', answer(200, { ...me, id: 'not-a-uuid' }))).toThrow(/\/id must match format "uuid"/);
    expect(() => v.check('GET', '/api/v1/me', { status: 200, headers: JSON_TYPE, text: '{' })).toThrow(/not JSON/);
  });

  it('refuses a documented header left out: Retry-After on a 429', () => {
    expect(() => v.check('GET', '/api/v1/me', answer(429, problem(429), PROBLEM_TYPE))).toThrow(/promises the header Retry-After/);
    expect(() => v.check('GET', '/api/v1/me', answer(429, problem(429), { ...PROBLEM_TYPE, 'retry-after': '2' }))).not.toThrow();
  });

  it('refuses an unknown path answered otherwise than 404, and a method a path does not take answered 200', () => {
    expect(() => v.check('GET', '/api/v1/nothing-here', answer(200, {}))).toThrow(/no operation for GET \/api\/v1\/nothing-here/);
    expect(() => v.check('DELETE', '/api/v1/me', answer(200, me))).toThrow(/no operation for DELETE \/api\/v1\/me/);
  });

  it('says the method, the url, the status and an excerpt of the body', () => {
    expect(() => v.check('GET', '/api/v1/me', answer(200, { ...me, regionCode: 7 }))).toThrow(/GET \/api\/v1\/me answered 200, application\/json; charset=utf-8: \{"kind":"USER"/);
  });
});
