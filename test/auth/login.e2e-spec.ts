import { createHmac } from 'node:crypto';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app.js';
import { actor, expectProblem, makeOrganization, makeUser, PASSWORD } from '../helpers/factories.js';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('Authentication: login, JWT, /me, the global guard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('logs in and returns tokens; /me describes the caller', async () => {
    const org = await makeOrganization(t, { type: 'PREFECTURE_DEPARTEMENT', regionCode: '84', departmentCode: '74', funders: ['DETR'] });
    const user = await makeUser(t, 'PARTNER', org.id);
    const login = await t.http().post('/api/v1/auth/login').send({ email: user.email.toUpperCase(), password: PASSWORD }).expect(200);
    expect(login.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    const me = await t.http().get('/api/v1/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(me.body).toEqual({
      kind: 'USER',
      id: user.id,
      role: 'PARTNER',
      organizationId: org.id,
      regionCode: '84',
      departmentCode: '74',
      funders: ['DETR'],
      email: user.email,
      displayName: null,
      name: null,
      organizationName: org.name,
      organizationType: 'PREFECTURE_DEPARTEMENT',
    });
    const stored = await t.prisma.refreshToken.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0].tokenHash).not.toBe(login.body.refreshToken);
  });

  it('refuses a wrong password and an unknown e-mail alike, with 401', async () => {
    const org = await makeOrganization(t);
    const user = await makeUser(t, 'INSTRUCTOR', org.id);
    const wrong = expectProblem(await t.http().post('/api/v1/auth/login').send({ email: user.email, password: 'not the password' }), 401);
    const unknown = expectProblem(await t.http().post('/api/v1/auth/login').send({ email: 'nobody@test.local', password: 'whatever pass' }), 401);
    expect(wrong.detail).toBe(unknown.detail);
  });

  it('refuses a deactivated account at login and its tokens at once', async () => {
    const a = await actor(t, 'INSTRUCTOR');
    await t.http().get('/api/v1/me').set('Authorization', a.auth).expect(200);
    await t.prisma.user.update({ where: { id: a.userId }, data: { active: false } });
    expectProblem(await t.http().get('/api/v1/me').set('Authorization', a.auth), 401);
    expectProblem(await t.http().post('/api/v1/auth/login').send({ email: a.email, password: PASSWORD }), 401);
  });

  it('answers a malformed login body with 400 naming the fields', async () => {
    const body = expectProblem(await t.http().post('/api/v1/auth/login').send({ email: 'not-an-email', extra: 1 }), 400);
    const fields = [...new Set(body.errors!.map((e) => e.field))].sort();
    expect(fields).toEqual(['email', 'extra', 'password']);
  });

  it('denies every non-public route without a valid token', async () => {
    expectProblem(await t.http().get('/api/v1/me'), 401);
    expectProblem(await t.http().get('/api/v1/communes').set('Authorization', 'Bearer nonsense'), 401);
  });

  it('refuses alg none, another algorithm, another issuer and a forged signature', async () => {
    const a = await actor(t, 'ADMIN');
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: a.userId, kind: 'USER', iat: now, exp: now + 600, iss: 'msp-funding', aud: 'msp-funding-api' };
    const sign = (header: object, payload: object, secret: string, alg = 'sha256') => {
      const data = `${b64(header)}.${b64(payload)}`;
      return `${data}.${createHmac(alg, secret).update(data).digest('base64url')}`;
    };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const hs512 = sign({ alg: 'HS512', typ: 'JWT' }, claims, TEST_ENV.JWT_SECRET, 'sha512');
    const otherIssuer = sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'someone-else' }, TEST_ENV.JWT_SECRET);
    const forged = sign({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-of-sufficient-length');
    const valid = sign({ alg: 'HS256', typ: 'JWT' }, claims, TEST_ENV.JWT_SECRET);
    for (const token of [none, hs512, otherIssuer, forged]) {
      expectProblem(await t.http().get('/api/v1/me').set('Authorization', `Bearer ${token}`), 401);
    }
    await t.http().get('/api/v1/me').set('Authorization', `Bearer ${valid}`).expect(200);
  });
});
