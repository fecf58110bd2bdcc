// The CLS follow-up of a site (seed 003, docs/domain.md "Reports", FOLLOW_UP), through the real API and a
// real PostgreSQL: PUT /projects/{id}/follow-up/{year} creates or replaces a year, GET
// /projects/{id} reads it back ordered by year; validation, roles, scope, If-Match, the
// future-year rule and the audit trail.
import { startTestApp, type TestApp } from '../helpers/app.js';
import { today } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem, makeCommune, makeProject, makePromoter } from '../helpers/factories.js';

describe('project follow-up (seed 003)', () => {
  let t: TestApp;
  let admin: Actor, instructor: Actor, director: Actor, auditor: Actor, partner: Actor, other53: Actor;
  const year = Number(today().slice(0, 4));
  const as = (a: Actor) => ({ Authorization: a.auth });
  const url = (projectId: string, y: number | string) => `/api/v1/projects/${projectId}/follow-up/${y}`;
  const figures = (installations: number, studentTrainees: number, departuresReplaced: number) => ({ installations, studentTrainees, departuresReplaced });

  async function project(): Promise<string> {
    const commune = await makeCommune(t, { departmentCode: '43' });
    const promoter = await makePromoter(t, commune.inseeCode);
    return (await makeProject(t, promoter.id, commune.inseeCode)).id;
  }
  const rows = (projectId: string) => t.prisma.projectFollowUp.findMany({ where: { projectId }, orderBy: { year: 'asc' } });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    auditor = await actor(t, 'AUDITOR');
    partner = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
    other53 = await actor(t, 'INSTRUCTOR', { regionCode: '53' });
  });
  afterAll(() => t.close());

  it('creates a year, replaces it, and reads the follow-up back with the project, ordered by year', async () => {
    const id = await project();
    const empty = (await t.http().get(`/api/v1/projects/${id}`).set(as(auditor)).expect(200)).body;
    expect(empty.followUp).toEqual([]);

    const created = await t
      .http()
      .put(url(id, year - 1))
      .set(as(instructor))
      .send(figures(2, 3, 1))
      .expect(200);
    expect(created.body).toMatchObject({ projectId: id, year: year - 1, installations: 2, studentTrainees: 3, departuresReplaced: 1, version: 1 });
    expect(created.headers.etag).toBe('"1"');
    expect(created.body.followUp).toEqual([{ year: year - 1, installations: 2, studentTrainees: 3, departuresReplaced: 1, version: 1 }]);

    // An earlier year written after: the list stays ordered by year. The current year is allowed.
    await t
      .http()
      .put(url(id, year - 3))
      .set(as(director))
      .send(figures(1, 0, 0))
      .expect(200);
    const current = await t
      .http()
      .put(url(id, year))
      .set(as(admin))
      .send(figures(0, 4, 0))
      .expect(200);
    expect(current.body.followUp.map((f: { year: number }) => f.year)).toEqual([year - 3, year - 1, year]);

    const replaced = await t
      .http()
      .put(url(id, year - 1))
      .set(as(instructor))
      .send(figures(5, 0, 2))
      .expect(200);
    expect(replaced.body).toMatchObject({ year: year - 1, installations: 5, studentTrainees: 0, departuresReplaced: 2, version: 2 });
    expect(replaced.headers.etag).toBe('"2"');

    const read = (await t.http().get(`/api/v1/projects/${id}`).set(as(partner)).expect(200)).body;
    expect(read.followUp).toEqual([
      { year: year - 3, installations: 1, studentTrainees: 0, departuresReplaced: 0, version: 1 },
      { year: year - 1, installations: 5, studentTrainees: 0, departuresReplaced: 2, version: 2 },
      { year, installations: 0, studentTrainees: 4, departuresReplaced: 0, version: 1 },
    ]);
    expect(read).toMatchObject({ id, version: 1 }); // the project itself did not change
    expect((await rows(id)).map((r) => [r.year, r.installations, r.studentTrainees, r.departuresReplaced])).toEqual([
      [year - 3, 1, 0, 0],
      [year - 1, 5, 0, 2],
      [year, 0, 4, 0],
    ]);
  });

  it('refuses invalid figures and years with 400, naming the field, and writes nothing', async () => {
    const id = await project();
    const bad: [number | string, object, string][] = [
      [year - 1, figures(-1, 0, 0), 'installations'],
      [year - 1, figures(0, -3, 0), 'studentTrainees'],
      [year - 1, figures(0, 0, -1), 'departuresReplaced'],
      [year - 1, { installations: 1.5, studentTrainees: 0, departuresReplaced: 0 }, 'installations'],
      [year - 1, { installations: '2', studentTrainees: 0, departuresReplaced: 0 }, 'installations'],
      [year - 1, { installations: 1, studentTrainees: 0 }, 'departuresReplaced'],
      [year - 1, { ...figures(1, 1, 1), doctors: 2 }, 'doctors'],
      [1999, figures(1, 1, 1), 'year'],
      [2101, figures(1, 1, 1), 'year'],
      ['20x5', figures(1, 1, 1), 'year'],
      ['02025', figures(1, 1, 1), 'year'],
      ['2025.0', figures(1, 1, 1), 'year'],
      ['0x7E9', figures(1, 1, 1), 'year'],
    ];
    for (const [y, body, field] of bad) {
      const res = await t.http().put(url(id, y)).set(as(instructor)).send(body);
      expect({ y, body, status: res.status }).toEqual({ y, body, status: 400 });
      const problem = expectProblem(res, 400);
      expect({ y, fields: problem.errors?.map((e) => e.field) }).toEqual({ y, fields: expect.arrayContaining([field]) });
    }
    expect(await rows(id)).toEqual([]);
  });

  it('refuses a year that has not begun with 422 naming the rule and the years', async () => {
    const id = await project();
    const problem = expectProblem(
      await t
        .http()
        .put(url(id, year + 1))
        .set(as(instructor))
        .send(figures(1, 1, 1)),
      422,
    );
    expect(problem).toMatchObject({ rule: 'follow-up-year-in-future', year: year + 1, currentYear: year });
    expect(problem.detail).toContain(String(year + 1));
    expect(await rows(id)).toEqual([]);
  });

  it('admits instructors, directors and admins only (partner and auditor 403), and hides another region (404)', async () => {
    const id = await project();
    for (const who of [partner, auditor]) {
      expectProblem(
        await t
          .http()
          .put(url(id, year - 1))
          .set(as(who))
          .send(figures(1, 1, 1)),
        403,
      );
    }
    expectProblem(
      await t
        .http()
        .put(url(id, year - 1))
        .send(figures(1, 1, 1)),
      401,
    );
    const hidden = expectProblem(
      await t
        .http()
        .put(url(id, year - 1))
        .set(as(other53))
        .send(figures(1, 1, 1)),
      404,
    );
    expect(hidden.detail).not.toContain('follow-up');
    expectProblem(
      await t
        .http()
        .put(url('0190a8f0-0000-7000-8000-000000000000', year - 1))
        .set(as(instructor))
        .send(figures(1, 1, 1)),
      404,
    );
    expectProblem(await t.http().get(`/api/v1/projects/${id}`).set(as(other53)), 404);
    expect(await rows(id)).toEqual([]);
  });

  it('honours If-Match: the current version passes, a stale one is 412 with the current version, and nothing changes', async () => {
    const id = await project();
    // A year not recorded yet has no version: any If-Match but * fails.
    expect(
      expectProblem(
        await t
          .http()
          .put(url(id, year - 2))
          .set(as(instructor))
          .set('If-Match', '"1"')
          .send(figures(1, 1, 1)),
        412,
      ),
    ).toMatchObject({
      currentVersion: 0,
    });
    expect(await rows(id)).toEqual([]);
    await t
      .http()
      .put(url(id, year - 2))
      .set(as(instructor))
      .set('If-Match', '*')
      .send(figures(1, 1, 1))
      .expect(200);
    await t
      .http()
      .put(url(id, year - 2))
      .set(as(instructor))
      .set('If-Match', '"1"')
      .send(figures(2, 1, 1))
      .expect(200);
    const stale = expectProblem(
      await t
        .http()
        .put(url(id, year - 2))
        .set(as(director))
        .set('If-Match', '"1"')
        .send(figures(9, 9, 9)),
      412,
    );
    expect(stale).toMatchObject({ currentVersion: 2 });
    expect((await rows(id)).map((r) => [r.installations, r.version])).toEqual([[2, 2]]);
    expectProblem(
      await t
        .http()
        .put(url(id, year - 2))
        .set(as(director))
        .set('If-Match', 'one')
        .send(figures(9, 9, 9)),
      400,
    );
    const ok = await t
      .http()
      .put(url(id, year - 2))
      .set(as(director))
      .set('If-Match', 'W/"2"')
      .send(figures(3, 1, 1))
      .expect(200);
    expect(ok.body).toMatchObject({ installations: 3, version: 3 });
  });

  it('writes one audit row per change, with before and after, readable through GET /audit', async () => {
    const id = await project();
    await t
      .http()
      .put(url(id, year - 1))
      .set(as(instructor))
      .send(figures(1, 2, 3))
      .expect(200);
    await t
      .http()
      .put(url(id, year - 1))
      .set(as(director))
      .send(figures(4, 2, 3))
      .expect(200);
    expectProblem(
      await t
        .http()
        .put(url(id, year - 1))
        .set(as(director))
        .set('If-Match', '"1"')
        .send(figures(7, 7, 7)),
      412,
    );
    const trail = await t.prisma.auditLog.findMany({ where: { entity: 'project_follow_up', entityId: `${id}/${year - 1}` }, orderBy: { id: 'asc' } });
    expect(trail.map((r) => [r.action, r.actorId, r.regionCode])).toEqual([
      ['project_follow_up.create', instructor.userId, '84'],
      ['project_follow_up.update', director.userId, '84'],
    ]);
    expect(trail[0].before).toBeNull();
    expect(trail[0].after).toEqual({ year: year - 1, installations: 1, studentTrainees: 2, departuresReplaced: 3, version: 1 });
    expect(trail[1].before).toEqual({ year: year - 1, installations: 1, studentTrainees: 2, departuresReplaced: 3, version: 1 });
    expect(trail[1].after).toEqual({ year: year - 1, installations: 4, studentTrainees: 2, departuresReplaced: 3, version: 2 });
    const api = await t
      .http()
      .get(`/api/v1/audit?entity=project_follow_up&id=${id}/${year - 1}`)
      .set(as(auditor))
      .expect(200);
    expect(api.body.items.map((i: { action: string }) => i.action)).toEqual(['project_follow_up.create', 'project_follow_up.update']);
  });

  it('serialises concurrent writes of one year without If-Match: one creates it, the others replace it in turn', async () => {
    const id = await project();
    const answers = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        t
          .http()
          .put(url(id, year - 1))
          .set(as(instructor))
          .send(figures(n, 0, 0)),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((r) => r.body.version).sort()).toEqual([1, 2, 3, 4]);
    const [row] = await rows(id);
    expect(row.version).toBe(4);
    // The row holds the figures of the write that answered version 4.
    expect(row.installations).toBe(answers.find((r) => r.body.version === 4)!.body.installations);
    const trail = await t.prisma.auditLog.findMany({ where: { entity: 'project_follow_up', entityId: `${id}/${year - 1}` }, orderBy: { id: 'asc' } });
    expect(trail.map((r) => r.action)).toEqual(['project_follow_up.create', 'project_follow_up.update', 'project_follow_up.update', 'project_follow_up.update']);
  });
});
