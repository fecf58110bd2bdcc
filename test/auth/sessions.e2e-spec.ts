import { startTestApp, type TestApp } from '../helpers/app.js';
import { actor, expectProblem, makeOrganization, makeUser, PASSWORD } from '../helpers/factories.js';

describe('sessions: refresh rotation, reuse detection, logout, login throttling, rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    // TRUST_PROXY: the tests play several client addresses through X-Forwarded-For.
    t = await startTestApp({ LOGIN_MAX_FAILURES: '3', RATE_LIMIT_PER_MINUTE: '20', TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  async function login(email: string) {
    return (await t.http().post('/api/v1/auth/login').send({ email, password: PASSWORD }).expect(200)).body as {
      accessToken: string;
      refreshToken: string;
    };
  }

  it('rotates the refresh token on every use; a reused one revokes the whole family', async () => {
    const org = await makeOrganization(t);
    const user = await makeUser(t, 'INSTRUCTOR', org.id);
    const first = await login(user.email);
    const second = (await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await t.http().get('/api/v1/me').set('Authorization', `Bearer ${second.accessToken}`).expect(200);
    const third = (await t.http().post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200)).body;

    // The first token again: a thief or a replay. Refused, and every token of the family dies.
    const reuse = expectProblem(await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }), 401);
    expect(reuse.detail).toMatch(/already used/);
    expectProblem(await t.http().post('/api/v1/auth/refresh').send({ refreshToken: third.refreshToken }), 401);
    const family = await t.prisma.refreshToken.findMany({ where: { userId: user.id } });
    expect(family).toHaveLength(3);
    expect(family.every((r) => r.revokedAt !== null)).toBe(true);
    const audit = await t.prisma.auditLog.findMany({ where: { action: 'refresh.reuse', entityId: user.id }, orderBy: { id: 'asc' } });
    expect(audit[0].after).toMatchObject({ revoked: 3 });

    // Another session of the same user is untouched.
    const other = await login(user.email);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: other.refreshToken }).expect(200);
  });

  it('lets exactly one of two simultaneous refreshes with the same token win', async () => {
    const org = await makeOrganization(t);
    const user = await makeUser(t, 'INSTRUCTOR', org.id);
    const { refreshToken } = await login(user.email);
    const results = await Promise.all([1, 2, 3].map(() => t.http().post('/api/v1/auth/refresh').send({ refreshToken })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(2);
  });

  it('logout revokes the token and its successors (204)', async () => {
    const org = await makeOrganization(t);
    const user = await makeUser(t, 'DIRECTOR', org.id);
    const first = await login(user.email);
    const second = (await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: first.refreshToken }).expect(204);
    expectProblem(await t.http().post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }), 401);
  });

  it('answers 429 with Retry-After after LOGIN_MAX_FAILURES failures for an account, even with the right password', async () => {
    const org = await makeOrganization(t);
    const user = await makeUser(t, 'INSTRUCTOR', org.id);
    for (let i = 0; i < 3; i++) {
      expectProblem(await t.http().post('/api/v1/auth/login').set('X-Forwarded-For', `10.0.0.${i}`).send({ email: user.email, password: 'wrong password!' }), 401);
    }
    const locked = await t.http().post('/api/v1/auth/login').set('X-Forwarded-For', '10.0.0.99').send({ email: user.email, password: PASSWORD });
    expectProblem(locked, 429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(await t.prisma.auditLog.count({ where: { action: 'login.lockout', entityId: user.id } })).toBe(1);
  });

  it('answers 429 after LOGIN_MAX_FAILURES failures from one client address, whatever the accounts', async () => {
    const org = await makeOrganization(t);
    const user = await makeUser(t, 'INSTRUCTOR', org.id);
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await t
          .http()
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', '10.9.9.9')
          .send({ email: `nobody${i}@test.local`, password: 'wrong password!' }),
        401,
      );
    }
    expectProblem(await t.http().post('/api/v1/auth/login').set('X-Forwarded-For', '10.9.9.9').send({ email: user.email, password: PASSWORD }), 429);
    // The same account from another address logs in.
    await t.http().post('/api/v1/auth/login').set('X-Forwarded-For', '10.9.9.10').send({ email: user.email, password: PASSWORD }).expect(200);
  });

  it('limits requests per principal per minute with 429 and Retry-After', async () => {
    const a = await actor(t, 'AUDITOR');
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await t.http().get('/api/v1/me').set('Authorization', a.auth)).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    const limited = await t.http().get('/api/v1/me').set('Authorization', a.auth);
    expectProblem(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another principal is not affected.
    const b = await actor(t, 'AUDITOR');
    await t.http().get('/api/v1/me').set('Authorization', b.auth).expect(200);
  });
});
