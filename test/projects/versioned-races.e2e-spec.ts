// Optimistic concurrency of the versioned resources written through `AuditedWrites.change`
// (src/database/versioned.ts): projects, users (and promoters, communes, organisations, which
// share it). RFC 9110: 412 answers a precondition the client sent. A request without If-Match
// that loses the race to another writer is answered 409 ("changed meanwhile, read it again"),
// never 412; a request whose If-Match no longer matches is answered 412.
import { startTestApp, type TestApp } from '../helpers/app.js';
import { actor, type Actor, expectProblem, makeCommune, makeProject, makePromoter, makeUser } from '../helpers/factories.js';

type Res = { status: number; headers: Record<string, string>; body: Record<string, unknown> };

describe('versioned writes under concurrent requests: 409 without If-Match, 412 only for a stale If-Match', () => {
  let t: TestApp;
  let instructor: Actor;
  let admin: Actor;
  const as = (a: Actor) => ({ Authorization: a.auth });
  const byStatus = (results: Res[]) => results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  const auditRows = (entity: string, entityId: string) => t.prisma.auditLog.count({ where: { entity, entityId } });
  const newProject = async () => {
    const commune = await makeCommune(t);
    const promoter = await makePromoter(t, commune.inseeCode);
    return makeProject(t, promoter.id, commune.inseeCode);
  };

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    instructor = await actor(t, 'INSTRUCTOR');
    admin = await actor(t, 'ADMIN');
  });
  afterAll(() => t.close());

  /**
   * Sends `count` concurrent PATCHes without If-Match, in rounds until a lost race shows up
   * (at most 5 rounds), and checks every answer: 200 or 409, never 412; every 200 is one
   * version and one audit row.
   */
  async function raceWithoutIfMatch(url: string, by: Actor, body: (i: number) => object, entity: string, id: string) {
    const initialAudit = await auditRows(entity, id);
    let succeeded = 0;
    let lost: Res[] = [];
    for (let round = 0; round < 5 && lost.length === 0; round++) {
      const results: Res[] = await Promise.all(Array.from({ length: 20 }, (_, i) => t.http().patch(url).set(as(by)).send(body(i))));
      expect(results.filter((r) => r.status !== 200 && r.status !== 409).map((r) => [r.status, r.body.detail])).toEqual([]);
      expect(byStatus(results)[200]).toBeGreaterThanOrEqual(1);
      succeeded += results.filter((r) => r.status === 200).length;
      lost = results.filter((r) => r.status === 409);
    }
    // The race was lost at least once, and answered as a conflict, not as a failed precondition.
    expect(lost.length).toBeGreaterThanOrEqual(1);
    for (const r of lost) {
      const problem = expectProblem(r, 409);
      expect(problem.detail).toMatch(/changed by another request meanwhile; read it again/);
      expect(problem.detail).not.toMatch(/If-Match/);
      expect(problem.currentVersion).toEqual(expect.any(Number));
    }
    const current = await t.http().get(url).set(as(by)).expect(200);
    expect(current.body.version).toBe(1 + succeeded);
    expect(current.headers.etag).toBe(`"${1 + succeeded}"`);
    expect(await auditRows(entity, id)).toBe(initialAudit + succeeded);
    return current.body as { version: number } & Record<string, unknown>;
  }

  describe('a project', () => {
    it('concurrent PATCHes without If-Match: at least one 200, the losers 409, never 412; one version and one audit row per 200', async () => {
      const project = await newProject();
      await raceWithoutIfMatch(`/api/v1/projects/${project.id}`, instructor, (i) => ({ name: `MSP course ${i}`, populationServed: 5000 + i }), 'project', project.id);
    });

    it('a stale If-Match is still 412 with the current version, and changes nothing', async () => {
      const project = await newProject();
      const url = `/api/v1/projects/${project.id}`;
      await t.http().patch(url).set(as(instructor)).set('If-Match', '"1"').send({ name: 'MSP du bourg' }).expect(200);
      const stale = expectProblem(await t.http().patch(url).set(as(instructor)).set('If-Match', '"1"').send({ name: 'Perdue' }), 412);
      expect(stale).toMatchObject({ currentVersion: 2 });
      expect(stale.detail).toMatch(/If-Match does not match/);
      expect((await t.http().get(url).set(as(instructor)).expect(200)).body).toMatchObject({ name: 'MSP du bourg', version: 2 });
    });

    it('concurrent PATCHes that all send the same If-Match: exactly one 200, every other 412 (their If-Match went stale meanwhile)', async () => {
      const project = await newProject();
      const url = `/api/v1/projects/${project.id}`;
      const results: Res[] = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t
            .http()
            .patch(url)
            .set(as(instructor))
            .set('If-Match', '"1"')
            .send({ name: `MSP ${i}` }),
        ),
      );
      expect(byStatus(results)).toEqual({ 200: 1, 412: 9 });
      for (const r of results.filter((x) => x.status === 412)) expect(expectProblem(r, 412)).toMatchObject({ currentVersion: 2 });
      expect(await auditRows('project', project.id)).toBe(1);
    });
  });

  describe('a user', () => {
    it('concurrent PATCHes without If-Match: at least one 200, the losers 409, never 412', async () => {
      const user = await makeUser(t, 'INSTRUCTOR', admin.organizationId);
      const after = await raceWithoutIfMatch(`/api/v1/users/${user.id}`, admin, (i) => ({ role: i % 2 ? 'DIRECTOR' : 'INSTRUCTOR' }), 'user', user.id);
      expect(['INSTRUCTOR', 'DIRECTOR']).toContain(after.role);
    });

    it('a stale If-Match is still 412, and changes nothing', async () => {
      const user = await makeUser(t, 'INSTRUCTOR', admin.organizationId);
      const url = `/api/v1/users/${user.id}`;
      await t.http().patch(url).set(as(admin)).set('If-Match', '"1"').send({ role: 'DIRECTOR' }).expect(200);
      expect(expectProblem(await t.http().patch(url).set(as(admin)).set('If-Match', '"1"').send({ active: false }), 412)).toMatchObject({ currentVersion: 2 });
      expect((await t.http().get(url).set(as(admin)).expect(200)).body).toMatchObject({ role: 'DIRECTOR', active: true, version: 2 });
    });
  });
  it('an empty PATCH changes nothing: 400 naming the body, no new version, no audit row (projects, promoters, communes, organisations)', async () => {
    const project = await newProject();
    const targets: [string, Actor, string, string][] = [
      [`/api/v1/projects/${project.id}`, instructor, 'project', project.id],
      [`/api/v1/promoters/${project.promoterId}`, instructor, 'promoter', project.promoterId],
      [`/api/v1/communes/${project.communeInsee}`, admin, 'commune', project.communeInsee],
      [`/api/v1/organizations/${admin.organizationId}`, admin, 'organization', admin.organizationId],
    ];
    for (const [url, by, entity, id] of targets) {
      const before = (await t.http().get(url).set(as(by)).expect(200)).body as { version: number };
      const audit = await auditRows(entity, id);
      expect(expectProblem(await t.http().patch(url).set(as(by)).send({}), 400).errors).toEqual([{ field: 'body', message: 'give at least one field to change' }]);
      expect(((await t.http().get(url).set(as(by)).expect(200)).body as { version: number }).version).toBe(before.version);
      expect(await auditRows(entity, id)).toBe(audit);
    }
  });
});
