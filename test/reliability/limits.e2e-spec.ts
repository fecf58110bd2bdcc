// Limits a client cannot cross (OWASP API4, unrestricted resource consumption) and what the
// service lets a browser do (CORS closed unless configured), answered as problems.
import { readFileSync } from 'node:fs';
import { MAX_CSV_ROWS } from '../../src/common/http/csv.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';

describe('limits', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://instructeurs.ars.example' });
    admin = await actor(t, 'ADMIN');
  });
  afterAll(() => t.close());

  it('refuses a page larger than 200 items with 400 naming limit', async () => {
    for (const path of ['/api/v1/applications', '/api/v1/communes', '/api/v1/audit']) {
      const body = expectProblem(await t.http().get(`${path}?limit=201`).set('Authorization', admin.auth), 400);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    }
    await t.http().get('/api/v1/communes?limit=200').set('Authorization', admin.auth).expect(200);
  });

  it(`bounds a CSV import: more than ${MAX_CSV_ROWS.toLocaleString('en-US')} rows is 400, more than 5 MB is 413; nothing is applied`, async () => {
    const header = 'inseeCode,name,departmentCode,regionCode,population,zone,qpv,island,rural\n';
    const line = (i: number) => `43${String(i % 1000).padStart(3, '0')},C,43,84,1,ZIP,false,false,true\n`;
    const tooMany = header + Array.from({ length: MAX_CSV_ROWS + 1 }, (_, i) => line(i)).join('');
    expect(Buffer.byteLength(tooMany)).toBeLessThan(5 * 1024 * 1024);
    const rows = expectProblem(await t.http().post('/api/v1/communes/import').set('Authorization', admin.auth).set('Content-Type', 'text/csv').send(tooMany), 400);
    expect(JSON.stringify(rows.errors)).toContain(`at most ${MAX_CSV_ROWS}`);
    const huge = header + 'x'.repeat(5 * 1024 * 1024 + 1);
    expectProblem(await t.http().post('/api/v1/communes/import').set('Authorization', admin.auth).set('Content-Type', 'text/csv').send(huge), 413);
    expect(await t.prisma.commune.count()).toBe(0);
  });

  it('answers a JSON body over 1 MB with 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024), type: 'REGION', regionCode: '84' });
    expectProblem(await t.http().post('/api/v1/organizations').set('Authorization', admin.auth).set('Content-Type', 'application/json').send(big), 413);
  });

  it('admits only the configured browser origins (CORS)', async () => {
    const allowed = await t.http().options('/api/v1/me').set('Origin', 'https://instructeurs.ars.example').set('Access-Control-Request-Method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://instructeurs.ars.example');
    const other = await t.http().options('/api/v1/me').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const plain = await t.http().get('/api/v1/me').set('Origin', 'https://evil.example').set('Authorization', admin.auth).expect(200);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps CORS closed when no origin is configured', async () => {
    const closed = await startTestApp();
    try {
      const res = await closed.http().options('/api/v1/me').set('Origin', 'https://instructeurs.ars.example').set('Access-Control-Request-Method', 'GET');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await closed.close();
    }
  });

  it('ships no secret in .env.example', () => {
    const assignments = readFileSync('.env.example', 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l));
    const secrets = assignments.filter((l) => /SECRET|PASSWORD|KEY/.test(l.split('=')[0]) && l.split('=')[1].trim() !== '');
    expect(secrets).toEqual([]);
    expect(readFileSync('.env.example', 'utf8')).not.toMatch(/postgresql:\/\/[^:\s]+:(?!change-me@)[^@\s]+@/);
  });
});
