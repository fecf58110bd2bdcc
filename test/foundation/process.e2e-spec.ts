// The built service as operators run it (`node dist/main.js`, as `npm start` does), on a test
// database: it migrates, creates the bootstrap admin, serves, logs JSON with a request id and
// never a secret, and stops cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { createTestDatabase } from '../helpers/database.js';
import { freePort } from '../reliability/harness.js';
import { checkFetched } from '../helpers/openapi-validator.js';

// Below the kernel's ephemeral range (32768-60999), which the other tests' client connections
// use: a port chosen there could be taken by one of them between the check and the listen.
let PORT = 0;
let base = '';
const PASSWORD = 'bootstrap password of test';

describe('the service process', () => {
  let db: { url: string; drop(): Promise<void> };
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    PORT = await freePort(24_000, 24_999);
    base = `http://127.0.0.1:${PORT}`;
    child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(PORT),
        HOST: '127.0.0.1',
        DATABASE_URL: db.url,
        JWT_SECRET: 'a-production-secret-of-at-least-32-bytes!',
        BOOTSTRAP_ADMIN_EMAIL: 'root@ars.test',
        BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
        BOOTSTRAP_REGION_CODE: '84',
        LOG_LEVEL: 'debug',
        WORKERS_ENABLED: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 150; i++) {
      const ok = await fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the service did not become ready:\n${output}`);
  }, 30_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await db.drop();
  });

  it('serves after migrating and creating the bootstrap admin; logs JSON lines with request ids and no secret; stops on SIGTERM', async () => {
    const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) =>
        checkFetched(method, path, r),
      );

    const bad = await json('POST', '/api/v1/auth/login', { email: 'root@ars.test', password: 'wrong password here' });
    expect(bad.status).toBe(401);
    const login = await json('POST', '/api/v1/auth/login', { email: 'root@ars.test', password: PASSWORD });
    expect(login.status).toBe(200);
    const tokens = (await login.json()) as { accessToken: string; refreshToken: string };
    const me = (await (await json('GET', '/api/v1/me', undefined, { authorization: `Bearer ${tokens.accessToken}` })).json()) as { organizationId: string; role: string };
    expect(me.role).toBe('ADMIN');
    const key = (await (
      await json('POST', '/api/v1/api-keys', { name: 'k', role: 'REPORTING', organizationId: me.organizationId }, { authorization: `Bearer ${tokens.accessToken}` })
    ).json()) as { key: string };
    expect((await json('GET', '/api/v1/me', undefined, { 'x-api-key': key.key })).status).toBe(200);
    const refreshed = await json('POST', '/api/v1/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(refreshed.status).toBe(200);
    const tracked = await checkFetched('GET', '/health/live', await fetch(`${base}/health/live`, { headers: { 'x-request-id': 'trace-me-123' } }));
    expect(tracked.headers.get('x-request-id')).toBe('trace-me-123');

    const started = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    for (const secret of [
      PASSWORD,
      'wrong password here',
      tokens.accessToken,
      tokens.refreshToken,
      key.key,
      key.key.split('_').slice(2).join('_'),
      'a-production-secret-of-at-least-32-bytes!',
    ]) {
      expect(output).not.toContain(secret);
    }
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    const requestLines = lines.map((l) => JSON.parse(l) as { req?: { id?: string; url?: string } }).filter((l) => l.req);
    expect(requestLines.length).toBeGreaterThanOrEqual(5);
    expect(requestLines.every((l) => typeof l.req!.id === 'string' && l.req!.id.length > 0)).toBe(true);
    expect(requestLines.some((l) => l.req!.id === 'trace-me-123')).toBe(false); // /health/live is not logged
    expect(lines.some((l) => l.includes('"event":"login.failure"'))).toBe(true);
    expect(lines.some((l) => l.includes('"event":"api_key.create"'))).toBe(true);
    expect(output).toMatch(/serving on http/);
  }, 30_000);
});
