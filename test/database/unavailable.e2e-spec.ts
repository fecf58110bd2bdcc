import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { TEST_ENV, validated } from '../helpers/app.js';
import { expectProblem } from '../helpers/factories.js';

describe('a database that cannot be reached', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    // Nothing listens on port 1: every connection is refused.
    app = await createApp(loadConfig({ ...TEST_ENV, DATABASE_CONNECT_TIMEOUT_MS: '1000' }), 'postgresql://postgres@127.0.0.1:1/none');
  });
  afterAll(() => app.close());

  it('keeps /health/live at 200 and makes /health/ready 503 quickly', async () => {
    await validated(request(app.getHttpServer())).get('/health/live').expect(200);
    const started = Date.now();
    const res = await validated(request(app.getHttpServer())).get('/health/ready');
    expect(Date.now() - started).toBeLessThan(5000);
    const body = expectProblem(res, 503);
    expect(res.headers['retry-after']).toBe('5');
    expect(body.detail).toMatch(/database/i);
  });

  it('answers API calls with 503 problem+json and Retry-After, never 500, and leaks no connection detail', async () => {
    const res = await validated(request(app.getHttpServer())).post('/api/v1/auth/login').send({ email: 'a@b.fr', password: 'long enough password' });
    const body = expectProblem(res, 503);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|postgres/);
  });
});
