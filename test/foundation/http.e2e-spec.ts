import { startTestApp, type TestApp } from '../helpers/app.js';
import { actor, expectProblem } from '../helpers/factories.js';

describe('HTTP foundation: health, metrics, docs, errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers /health/live and /health/ready at the root', async () => {
    await t.http().get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('serves the OpenAPI document with every API route under /api/v1', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/me',
        '/api/v1/communes',
        '/api/v1/communes/import',
        '/api/v1/communes/{inseeCode}',
        '/api/v1/promoters',
        '/api/v1/projects/{id}',
      ]),
    );
    await t
      .http()
      .get('/docs')
      .expect(200)
      .expect('content-type', /text\/html/);
  });

  it('counts requests per route in /metrics, with the pool gauges', async () => {
    await t.http().get('/health/live');
    const res = await t
      .http()
      .get('/metrics')
      .expect(200)
      .expect('content-type', /text\/plain/);
    expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/health\/live",status="200"\} \d+/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/health\/live"\}/);
    expect(res.text).toMatch(/db_pool_connections_max 5/);
  });

  it('answers an unknown route with a problem+json 404', async () => {
    const body = expectProblem(await t.http().get('/api/v1/nowhere'), 404);
    expect(body.detail).toContain('/api/v1/nowhere');
  });

  it('echoes a sane X-Request-Id, and makes one otherwise', async () => {
    const res = await t.http().get('/health/live').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
    const other = await t.http().get('/health/live').set('X-Request-Id', 'bad id with spaces');
    expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400 and a body over the limit with 413', async () => {
    const admin = await actor(t, 'ADMIN');
    const bad = await t.http().post('/api/v1/promoters').set('Authorization', admin.auth).set('Content-Type', 'application/json').send('{"name":');
    expect(expectProblem(bad, 400).detail).toMatch(/JSON/);
    const huge = await t
      .http()
      .post('/api/v1/promoters')
      .set('Authorization', admin.auth)
      .send({ name: 'x'.repeat(1_100_000) });
    expectProblem(huge, 413);
  });

  it('sends security headers', async () => {
    const res = await t.http().get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });
});
