// SECURITY.md: refresh tokens and API keys are stored only as their SHA-256, never as sent.
import { hashToken } from '../../src/accounts/accounts.repository.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { actor, makeOrganization, makeUser, PASSWORD } from '../helpers/factories.js';

describe('secrets at rest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('keeps a refresh token and an API key only as their SHA-256', async () => {
    const org = await makeOrganization(t);
    const user = await makeUser(t, 'INSTRUCTOR', org.id);
    const { refreshToken } = (await t.http().post('/api/v1/auth/login').send({ email: user.email, password: PASSWORD }).expect(200)).body;
    const rows = await t.prisma.refreshToken.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).toBe(hashToken(refreshToken));
    expect(JSON.stringify(rows)).not.toContain(refreshToken);

    const admin = await actor(t, 'ADMIN');
    const { key } = (
      await t.http().post('/api/v1/api-keys').set('Authorization', admin.auth).send({ name: 'nightly', role: 'REPORTING', organizationId: admin.organizationId }).expect(201)
    ).body;
    // `msp_<hex prefix>_<base64url secret>`: the secret itself may contain '_'.
    const secret = String(key).replace(/^msp_[0-9a-f]+_/, '');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const stored = JSON.stringify(await t.prisma.apiKey.findMany());
    expect(stored).not.toContain(secret);
    expect(stored).toMatch(/"keyHash":"[0-9a-f]{64}"/);
  });
});
