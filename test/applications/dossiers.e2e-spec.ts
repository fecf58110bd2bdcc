// Dossiers as resources (docs/architecture.md, HTTP conventions), through the real API and a real
// PostgreSQL: assignment, the list's filters and cursor pagination, ETag and If-Match.
import { providePieces } from '../helpers/documents.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, makeDossier, mapLimit } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem, makeUser } from '../helpers/factories.js';

describe('dossiers', () => {
  let t: TestApp;
  let instructor: Actor;
  let colleague: Actor;
  let director: Actor;
  let who: { instructor: Actor; director: Actor };
  const as = (a: Actor) => ({ Authorization: a.auth });
  const get = async (id: string, a: Actor = instructor) => (await t.http().get(`/api/v1/applications/${id}`).set(as(a)).expect(200)).body;
  const list = async (query: string, a: Actor = instructor) => {
    const res = await t.http().get(`/api/v1/applications?${query}`).set(as(a)).expect(200);
    return res.body as { items: { id: string; status: string; assigneeId: string | null }[]; nextCursor: string | null };
  };
  const ids = async (query: string, a: Actor = instructor) => (await list(`${query}&limit=200`, a)).items.map((i) => i.id).sort();

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    instructor = await actor(t, 'INSTRUCTOR');
    colleague = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    who = { instructor, director };
  });
  afterAll(() => t.close());

  describe('assignment', () => {
    it('is the creator by default, and the list finds it with ?assignee=me', async () => {
      const mine = await makeDossier(t, instructor, { name: 'Assign default A' });
      const theirs = await makeDossier(t, colleague, { name: 'Assign default B' });
      expect(await get(mine.id)).toMatchObject({ assigneeId: instructor.userId });
      expect(await get(theirs.id)).toMatchObject({ assigneeId: colleague.userId });
      expect(await ids('assignee=me&q=Assign default')).toEqual([mine.id]);
      expect(await ids('assignee=me&q=Assign default', colleague)).toEqual([theirs.id]);
      expect(await ids(`assignee=${colleague.userId}&q=Assign default`)).toEqual([theirs.id]);
      expect(await ids('assignee=ME&q=Assign default')).toEqual([mine.id]);
    });

    it('PATCH {assigneeId} reassigns the dossier: new version, an ASSIGNED event, an audit row, and the new assignee lists it', async () => {
      const { id } = await makeDossier(t, instructor, { name: 'Assign move' });
      const before = await get(id);
      const res = await t.http().patch(`/api/v1/applications/${id}`).set(as(instructor)).send({ assigneeId: colleague.userId }).expect(200);
      expect(res.body).toMatchObject({ id, assigneeId: colleague.userId, status: 'DRAFT', version: before.version + 1 });
      expect(res.headers.etag).toBe(`"${before.version + 1}"`);
      expect(await get(id)).toMatchObject({ assigneeId: colleague.userId });
      expect(await ids('assignee=me&q=Assign move', colleague)).toEqual([id]);
      expect(await ids('assignee=me&q=Assign move')).toEqual([]);
      const events = (await t.http().get(`/api/v1/applications/${id}/events`).set(as(instructor)).expect(200)).body.items;
      expect(events.at(-1)).toMatchObject({ type: 'ASSIGNED', actor: { id: instructor.userId }, data: { from: instructor.userId, to: colleague.userId } });
      const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { action: 'application.assign', entityId: id } });
      expect(audit).toMatchObject({ actorId: instructor.userId, before: { assigneeId: instructor.userId }, after: { assigneeId: colleague.userId } });

      // A director may be in charge too, and nobody at all (null).
      await t.http().patch(`/api/v1/applications/${id}`).set(as(colleague)).send({ assigneeId: director.userId }).expect(200);
      expect(await ids('assignee=me&q=Assign move', director)).toEqual([id]);
      const unassigned = await t.http().patch(`/api/v1/applications/${id}`).set(as(colleague)).send({ assigneeId: null }).expect(200);
      expect(unassigned.body.assigneeId).toBeNull();
      expect(await ids('assignee=me&q=Assign move', director)).toEqual([]);
    });

    it('refuses an assignee who is not an active instructor or director of the ARS of the region (400), changing nothing', async () => {
      const { id } = await makeDossier(t, instructor);
      const partner = await actor(t, 'PARTNER', { type: 'REGION' });
      const auditor = await actor(t, 'AUDITOR');
      const elsewhere = await actor(t, 'INSTRUCTOR', { regionCode: '53' });
      const inactive = await makeUser(t, 'INSTRUCTOR', instructor.organizationId, { active: false });
      const refused = [partner.userId, auditor.userId, elsewhere.userId, inactive.id, '01900000-0000-7000-8000-000000000000', 'not-a-uuid'];
      for (const assigneeId of refused) {
        const body = expectProblem(await t.http().patch(`/api/v1/applications/${id}`).set(as(instructor)).send({ assigneeId }), 400);
        expect(body.errors?.map((e) => e.field)).toContain('assigneeId');
      }
      expectProblem(await t.http().patch(`/api/v1/applications/${id}`).set(as(instructor)).send({}), 400);
      // Nothing but the assignee can be PATCHed: the status moves through the workflow only.
      const body = expectProblem(await t.http().patch(`/api/v1/applications/${id}`).set(as(instructor)).send({ assigneeId: colleague.userId, status: 'COMPLETED' }), 400);
      expect(body.errors?.map((e) => e.field)).toContain('status');
      expect(await get(id)).toMatchObject({ status: 'DRAFT', assigneeId: instructor.userId, version: 1 });
    });

    it('is for the ARS staff who move dossiers: a partner or an auditor gets 403', async () => {
      const { id } = await makeDossier(t, instructor);
      for (const reader of [await actor(t, 'PARTNER', { type: 'REGION' }), await actor(t, 'AUDITOR')]) {
        expectProblem(await t.http().patch(`/api/v1/applications/${id}`).set(as(reader)).send({ assigneeId: colleague.userId }), 403);
      }
      expect((await get(id)).assigneeId).toBe(instructor.userId);
    });
  });

  describe('list filters', () => {
    // One family of dossiers, told apart from the rest of the file's by the name (q).
    const P = 'Filtre Ardèche';
    const made: Record<'a' | 'b' | 'c' | 'd', string> = { a: '', b: '', c: '', d: '' };
    beforeAll(async () => {
      made.a = (await makeDossier(t, instructor, { name: `${P} a`, kind: 'MSP', commune: { inseeCode: '07101', departmentCode: '07', zone: 'ZIP' } })).id;
      made.b = (await makeDossier(t, instructor, { name: `${P} b`, kind: 'CDS_MEDICAL', commune: { inseeCode: '15101', departmentCode: '15', zone: 'ZAC' } })).id;
      made.c = (await makeDossier(t, instructor, { name: `${P} c`, kind: 'PSP', commune: { inseeCode: '07102', departmentCode: '07', zone: 'NONE', qpv: true } })).id;
      made.d = (await makeDossier(t, instructor, { name: `${P} d`, kind: 'MSP', commune: { inseeCode: '15102', departmentCode: '15', zone: 'ZIP' } })).id;
      await advance(t, made.b, 'SUBMITTED', who);
      await advance(t, made.c, 'STEP2_IN_PROGRESS', who);
      await t.http().post(`/api/v1/applications/${made.d}/withdraw`).set(as(instructor)).send({ reason: 'renonce' }).expect(200);
    });
    const expected = (...keys: (keyof typeof made)[]) => keys.map((k) => made[k]).sort();
    const q = `q=${encodeURIComponent(P)}`;

    it('by status and by step (derived from the status), alone or together', async () => {
      expect(await ids(q)).toEqual(expected('a', 'b', 'c', 'd'));
      expect(await ids(`${q}&status=SUBMITTED`)).toEqual(expected('b'));
      expect(await ids(`${q}&status=WITHDRAWN`)).toEqual(expected('d'));
      expect(await ids(`${q}&step=1`)).toEqual(expected('a', 'b'));
      expect(await ids(`${q}&step=2`)).toEqual(expected('c'));
      expect(await ids(`${q}&step=3`)).toEqual([]);
      expect(await ids(`${q}&step=1&status=DRAFT`)).toEqual(expected('a'));
      expect(await ids(`${q}&step=2&status=DRAFT`)).toEqual([]);
    });

    it('by département, zone and kind, and their combinations', async () => {
      expect(await ids(`${q}&departmentCode=07`)).toEqual(expected('a', 'c'));
      expect(await ids(`${q}&departmentCode=15`)).toEqual(expected('b', 'd'));
      expect(await ids(`${q}&zone=ZIP`)).toEqual(expected('a', 'd'));
      expect(await ids(`${q}&zone=ZAC`)).toEqual(expected('b'));
      expect(await ids(`${q}&zone=NONE`)).toEqual(expected('c'));
      expect(await ids(`${q}&kind=MSP`)).toEqual(expected('a', 'd'));
      expect(await ids(`${q}&kind=CDS_MEDICAL`)).toEqual(expected('b'));
      expect(await ids(`${q}&kind=PSP`)).toEqual(expected('c'));
      expect(await ids(`${q}&departmentCode=15&kind=MSP`)).toEqual(expected('d'));
      expect(await ids(`${q}&departmentCode=07&zone=ZIP&kind=MSP&status=DRAFT`)).toEqual(expected('a'));
      // The filters apply without q too.
      expect(await ids('departmentCode=07')).toEqual(expected('a', 'c'));
    });

    it("by part of the project's name, whatever the case; % and _ are plain characters", async () => {
      expect(await ids('q=filtre ardèche b')).toEqual(expected('b'));
      expect(await ids('q=FILTRE ARDÈCHE')).toEqual(expected('a', 'b', 'c', 'd'));
      expect(await ids('q=nothing like it')).toEqual([]);
      const percent = await makeDossier(t, instructor, { name: 'Taux 100% rural' });
      expect(await ids('q=%25')).toEqual([percent.id]);
      expect(await ids('q=_')).toEqual([]);
    });

    it('by updatedSince: dossiers changed at or after the instant', async () => {
      // Three of the four were last changed long ago; b changes now.
      await t.prisma.$executeRaw`UPDATE applications SET updated_at = '2025-01-01T00:00:00Z' WHERE id IN (${made.a}::uuid, ${made.c}::uuid, ${made.d}::uuid)`;
      const assigned = await t.http().patch(`/api/v1/applications/${made.b}`).set(as(instructor)).send({ assigneeId: colleague.userId }).expect(200);
      expect(await ids(`${q}&updatedSince=2025-06-01T00:00:00Z`)).toEqual(expected('b'));
      expect(await ids(`${q}&updatedSince=${encodeURIComponent(assigned.body.updatedAt)}`)).toEqual(expected('b'));
      expect(await ids(`${q}&updatedSince=2024-12-31T23:59:59Z`)).toEqual(expected('a', 'b', 'c', 'd'));
      expect(await ids(`${q}&updatedSince=2100-01-01T00:00:00Z`)).toEqual([]);
    });

    it.each([
      'status=DONE',
      'step=4',
      'step=two',
      'zone=QPV',
      'kind=HOSPITAL',
      'departmentCode=7',
      'updatedSince=yesterday',
      'assignee=someone',
      'limit=0',
      'limit=201',
      'cursor=not-a-cursor',
    ])('refuses ?%s with 400', async (query) => {
      expectProblem(await t.http().get(`/api/v1/applications?${query}`).set(as(instructor)), 400);
    });
  });

  describe('cursor pagination', () => {
    it('walks a filtered list page by page, each dossier once, in a stable order, until nextCursor is null', async () => {
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await makeDossier(t, instructor, { name: `Pagination ${i}` })).id);
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const body = await list(`q=Pagination&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        sizes.push(body.items.length);
        seen.push(...body.items.map((i) => i.id));
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      expect(sizes).toEqual([2, 2, 1]);
      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(5);
      expect([...seen].sort()).toEqual([...made].sort());
      // The same order as one page of them all.
      expect((await list('q=Pagination&limit=200')).items.map((i) => i.id)).toEqual(seen);
      // Exactly a page's worth: no empty page after it.
      expect((await list('q=Pagination&limit=5')).nextCursor).toBeNull();
    });

    it('defaults to 50 a page', async () => {
      const missing = 51 - (await t.prisma.application.count());
      await mapLimit(Array.from({ length: Math.max(0, missing) }), 4, () => makeDossier(t, instructor));
      const first = await list('');
      expect(first.items).toHaveLength(50);
      expect(first.nextCursor).not.toBeNull();
      const rest = await list(`cursor=${first.nextCursor}`);
      expect(rest.items.length).toBe((await t.prisma.application.count()) - 50);
      expect(rest.items.map((i) => i.id).filter((id) => first.items.some((f) => f.id === id))).toEqual([]);
    });
  });

  describe('ETag and If-Match', () => {
    it('gives the version as ETag on reads and on writes', async () => {
      const { id } = await makeDossier(t, instructor);
      const read = await t.http().get(`/api/v1/applications/${id}`).set(as(instructor)).expect(200);
      expect(read.body.version).toBe(1);
      expect(read.headers.etag).toBe('"1"');
      const moved = await t
        .http()
        .post(`/api/v1/applications/${id}/site-meeting`)
        .set(as(instructor))
        .send({ heldOn: daysAgo(3), participants: 'ARS', findings: 'OK' })
        .expect(200);
      expect(moved.headers.etag).toBe('"2"');
      expect((await t.http().get(`/api/v1/applications/${id}`).set(as(director)).expect(200)).headers.etag).toBe('"2"');
    });

    it('refuses a move whose If-Match is stale with 412 and the current version, and does nothing', async () => {
      const { id } = await makeDossier(t, instructor);
      await t
        .http()
        .post(`/api/v1/applications/${id}/site-meeting`)
        .set(as(instructor))
        .set('If-Match', '"1"')
        .send({ heldOn: daysAgo(3), participants: 'ARS', findings: 'OK' })
        .expect(200);
      const stale = expectProblem(await t.http().post(`/api/v1/applications/${id}/submit`).set(as(instructor)).set('If-Match', '"1"').send({}), 412);
      expect(stale).toMatchObject({ currentVersion: 2 });
      expectProblem(await t.http().post(`/api/v1/applications/${id}/withdraw`).set(as(instructor)).set('If-Match', '"3"').send({ reason: 'x' }), 412);
      expect(await get(id)).toMatchObject({ status: 'SITE_MEETING_HELD', version: 2 });
      const events = (await t.http().get(`/api/v1/applications/${id}/events`).set(as(instructor)).expect(200)).body.items;
      expect(events.map((e: { type: string }) => e.type)).toEqual(['CREATED', 'SITE_MEETING_RECORDED']);
      // The current version (strong or weak), or *, lets the write through (the request, a pièce, makes version 3).
      expect(await providePieces(t, id, instructor)).toEqual(['REQUEST']);
      await t.http().post(`/api/v1/applications/${id}/submit`).set(as(instructor)).set('If-Match', 'W/"3"').send({}).expect(200);
      await t.http().post(`/api/v1/applications/${id}/withdraw`).set(as(instructor)).set('If-Match', '*').send({ reason: 'x' }).expect(200);
    });

    it('refuses a stale reassignment with 412', async () => {
      const { id } = await makeDossier(t, instructor);
      await t.http().patch(`/api/v1/applications/${id}`).set(as(instructor)).set('If-Match', '"1"').send({ assigneeId: colleague.userId }).expect(200);
      const stale = expectProblem(await t.http().patch(`/api/v1/applications/${id}`).set(as(instructor)).set('If-Match', '"1"').send({ assigneeId: director.userId }), 412);
      expect(stale).toMatchObject({ currentVersion: 2 });
      expect(await get(id)).toMatchObject({ assigneeId: colleague.userId, version: 2 });
    });

    it('refuses an If-Match that is no ETag of this service with 400', async () => {
      const { id } = await makeDossier(t, instructor);
      for (const value of ['1', '"one"', '"1", "2"']) {
        const body = expectProblem(await t.http().post(`/api/v1/applications/${id}/withdraw`).set(as(instructor)).set('If-Match', value).send({ reason: 'x' }), 400);
        expect(body.errors?.map((e) => e.field)).toContain('If-Match');
      }
      expect((await get(id)).status).toBe('DRAFT');
    });
  });
});
