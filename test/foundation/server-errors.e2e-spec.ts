// Every 5xx is problem+json (issue 17): a real failure inside a handler (a table gone from
// under the service) is a 500 problem that names the request and nothing of its cause; a 5xx
// raised by Nest or a library keeps its status but not its message, and a 503 says when to
// come back. (The busy and unreachable 503s, and the shutdown 503, have their own tests.)
import { InternalServerErrorException, ServiceUnavailableException, HttpException } from '@nestjs/common';
import request from 'supertest';
import { toProblem } from '../../src/common/errors/problem.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';

describe('every 5xx is problem+json and leaks nothing', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
  });
  afterAll(() => t.close());

  it('answers a failure inside a handler (its table gone) with a 500 problem, and recovers when it is back', async () => {
    await t.http().get('/api/v1/communes').set('Authorization', admin.auth).expect(200);
    await t.prisma.$executeRawUnsafe('ALTER TABLE communes RENAME TO communes_gone');
    try {
      // Not through http(), which checks answers against openapi.json: no operation documents a
      // 500, the answer of a service broken under it; expectProblem checks its shape.
      const res = await request(t.app.getHttpServer()).get('/api/v1/communes?q=Saint').set('Authorization', admin.auth);
      const problem = expectProblem(res, 500);
      expect(problem).toMatchObject({ status: 500, title: 'Internal Server Error', instance: '/api/v1/communes' });
      expect(problem.requestId).toBe(res.headers['x-request-id']);
      expect(JSON.stringify(problem)).not.toMatch(/communes_gone|relation|SELECT|prisma|at \w+ \(|\.ts:/i);
    } finally {
      await t.prisma.$executeRawUnsafe('ALTER TABLE communes_gone RENAME TO communes');
    }
    await t.http().get('/api/v1/communes').set('Authorization', admin.auth).expect(200);
  });

  it("maps Nest's 5xx exceptions to a problem with their status, a generic detail, and Retry-After on 503", () => {
    const internal = toProblem(new InternalServerErrorException('pg: password authentication failed for user "app"'));
    expect(internal.problem).toMatchObject({ status: 500, title: 'Internal Server Error', detail: 'An unexpected error occurred; it has been logged.' });
    expect(internal.unexpected).toBe(true);
    const down = toProblem(new ServiceUnavailableException('redis at 10.0.0.3:6379 refused'));
    expect(down.problem).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(down.problem.detail).not.toMatch(/redis|10\.0\.0\.3/);
    expect(down.headers['Retry-After']).toBe('5');
    const gateway = toProblem(new HttpException('upstream http://internal:8080 timed out', 504));
    expect(gateway.problem.status).toBe(504);
    expect(gateway.problem.detail).not.toMatch(/internal:8080/);
    // A 4xx keeps its message: it is the client's to read.
    expect(toProblem(new HttpException('Too many items', 400)).problem).toMatchObject({ status: 400, detail: 'Too many items', title: 'Bad Request' });
  });

  it('answers a Fastify error with a 5xx status code as a 500 problem without its message', () => {
    const mapped = toProblem(Object.assign(new Error('serializer failed on /secret/path'), { statusCode: 500, code: 'FST_ERR_REP_INVALID_PAYLOAD_TYPE' }));
    expect(mapped.problem).toMatchObject({ status: 500 });
    expect(mapped.problem.detail).not.toMatch(/secret/);
    const rangeError = toProblem(new RangeError('9007199254740992 cents cannot be sent exactly as a JSON number'));
    expect(rangeError.problem.status).toBe(500);
    expect(rangeError.problem.detail).not.toMatch(/9007199254740992/);
  });
});
