// The console's session and page (issue 24): the refresh token only in an HttpOnly,
// SameSite=Strict cookie scoped to the session routes, the access token answered; rotation;
// another origin refused; sign-out revokes; `/` serves the page with its policy, `/assets/` its
// files precompressed.
import { readdirSync } from 'node:fs';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { expectProblem, makeOrganization, makeUser, PASSWORD } from '../helpers/factories.js';

describe('console session and page', () => {
  let t: TestApp;
  let email: string;
  const session = '/api/v1/auth/session';
  const cookieOf = (res: { headers: Record<string, unknown> }) => ([res.headers['set-cookie']].flat()[0] as string | undefined) ?? '';

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    const org = await makeOrganization(t, {});
    email = (await makeUser(t, 'INSTRUCTOR', org.id)).email;
  });
  afterAll(() => t.close());

  it('keeps the refresh token in an HttpOnly, SameSite=Strict cookie, rotates it, and revokes it on sign-out', async () => {
    const opened = await t.http().post(session).send({ email, password: PASSWORD }).expect(200);
    expect(Object.keys(opened.body).sort()).toEqual(['accessToken', 'expiresIn']);
    const cookie = cookieOf(opened);
    expect(cookie).toMatch(/^msp_session=[\w-]{20,}; Path=\/api\/v1\/auth\/session; Max-Age=2592000; HttpOnly; SameSite=Strict$/);
    await t.http().get('/api/v1/me').set('Authorization', `Bearer ${opened.body.accessToken}`).expect(200);

    const first = cookie.split(';')[0];
    const renewed = await t.http().post(`${session}/refresh`).set('Cookie', first).expect(200);
    expect(renewed.body.accessToken).toEqual(expect.any(String));
    const second = cookieOf(renewed).split(';')[0];
    expect(second).not.toBe(first);
    // The first cookie worked once: used again, it is refused and its whole session revoked.
    expectProblem(await t.http().post(`${session}/refresh`).set('Cookie', first), 401);
    expectProblem(await t.http().post(`${session}/refresh`).set('Cookie', second), 401);

    const again = cookieOf(await t.http().post(session).send({ email, password: PASSWORD }).expect(200)).split(';')[0];
    const closed = await t.http().delete(session).set('Cookie', again).expect(204);
    expect(cookieOf(closed)).toMatch(/^msp_session=; Path=\/api\/v1\/auth\/session; Max-Age=0; HttpOnly; SameSite=Strict$/);
    expectProblem(await t.http().post(`${session}/refresh`).set('Cookie', again), 401);
  });

  it('refuses a request from another origin, a refresh without a session, and a wrong password', async () => {
    const res = expectProblem(await t.http().post(session).set('Origin', 'https://evil.example').send({ email, password: PASSWORD }), 403);
    expect(res.rule).toBe('same-origin');
    expect(res.detail).toContain('https://evil.example');
    expectProblem(await t.http().post(`${session}/refresh`), 401);
    expectProblem(await t.http().post(session).send({ email, password: 'not the password' }), 401);
    expectProblem(await t.http().post(session).send({ email: 'not-an-email', password: 'x' }), 400);
  });

  it('serves the page with its content security policy, and its assets precompressed and cached', async () => {
    const page = await t.http().get('/').set('Accept-Encoding', 'identity').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.text).toContain('<html lang="fr"');
    const script = /src="\/assets\/(app-[\w]+\.js)"/.exec(page.text)![1];
    expect(readdirSync('dist/web/assets')).toContain(script);
    const js = await t
      .http()
      .get(`/assets/${script}`)
      .set('Accept-Encoding', 'br')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(js.status).toBe(200);
    expect(js.headers['content-encoding']).toBe('br');
    expect(js.headers['cache-control']).toContain('immutable');
    // What the first page sends of JavaScript, compressed: under 300 kB (issue 24).
    expect((js.body as Buffer).length).toBeLessThan(300_000);
    expect((await t.http().get('/assets/nope.js')).status).toBe(404);
  });
});
