// The typed client (clients/typescript, issue 19 item 4) against the real service: its types are
// generated from the committed openapi.json (and this test fails when they are stale), and a
// session through it works as the README shows — log in, list dossiers, move one — with the
// problems typed as the document says.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Problem } from '../../clients/typescript/src/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { WALK } from '../helpers/dossiers.js';
import { actor, type Actor, makeCommune, makeProject, makePromoter, PASSWORD } from '../helpers/factories.js';
import { validatingFetch } from '../helpers/openapi-validator.js';

describe('the typed client', () => {
  let t: TestApp;
  let baseUrl: string;
  let instructor: Actor;
  let projectId: string;

  beforeAll(async () => {
    t = await startTestApp({ WORKERS_ENABLED: 'false' });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = await t.app.getUrl();
    instructor = await actor(t, 'INSTRUCTOR');
    const commune = await makeCommune(t);
    const promoter = await makePromoter(t, commune.inseeCode);
    projectId = (await makeProject(t, promoter.id, commune.inseeCode)).id;
  });
  afterAll(() => t.close());

  it('is generated from the committed openapi.json (run npm run client:generate after npm run openapi)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'client-'));
    try {
      execFileSync(join('node_modules', '.bin', 'openapi-typescript'), ['openapi.json', '--default-non-nullable', 'false', '-o', join(dir, 'schema.ts')], { stdio: 'pipe' });
      const fresh = readFileSync(join(dir, 'schema.ts'), 'utf8');
      const committed = readFileSync('clients/typescript/src/schema.ts', 'utf8');
      if (fresh !== committed) throw new Error('clients/typescript/src/schema.ts is stale: run npm run client:generate');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs in, lists dossiers, creates one and moves it, with typed answers and typed problems', async () => {
    let token: string | undefined;
    const api = createClient({ baseUrl, accessToken: () => token, fetch: validatingFetch });

    const login = await api.POST('/api/v1/auth/login', { body: { email: instructor.email, password: PASSWORD } });
    expect(login.response.status).toBe(200);
    token = login.data!.accessToken;

    const me = await api.GET('/api/v1/me');
    expect(me.data).toMatchObject({ kind: 'USER', id: instructor.userId, role: 'INSTRUCTOR', email: instructor.email });

    const created = await api.POST('/api/v1/applications', { body: { projectId } });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    expect(created.data).toMatchObject({ status: 'DRAFT', step: 1, projectId });

    const page = await api.GET('/api/v1/applications', { params: { query: { status: 'DRAFT', limit: 10 } } });
    expect(page.data!.items.map((a) => a.id)).toContain(id);

    const moved = await api.POST('/api/v1/applications/{id}/site-meeting', {
      params: { path: { id } },
      body: { heldOn: WALK.siteMeeting, participants: 'ARS, maire', findings: 'Locaux adaptés' },
    });
    expect(moved.response.status).toBe(200);
    expect(moved.data).toMatchObject({ id, status: 'SITE_MEETING_HELD', siteMeeting: { heldOn: WALK.siteMeeting } });
    expect(moved.response.headers.get('etag')).toBe(`"${moved.data!.version}"`);

    // A problem is typed too: the same move again is refused, and says why.
    const again = await api.POST('/api/v1/applications/{id}/site-meeting', {
      params: { path: { id } },
      body: { heldOn: WALK.siteMeeting, participants: 'ARS', findings: 'again' },
    });
    expect(again.response.status).toBe(409);
    const problem: Problem = again.error!;
    expect(problem).toMatchObject({ status: 409, title: 'Conflict' });
    expect(again.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    // Without a token: 401, as a problem.
    token = undefined;
    const anonymous = await api.GET('/api/v1/applications/{id}', { params: { path: { id } } });
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error).toMatchObject({ status: 401 });
  });
});
