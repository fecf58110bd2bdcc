// Concurrent and repeated requests on dossiers (docs/architecture.md: Idempotency-Key, 409 on a
// move not allowed in the current state), through the real API and a real PostgreSQL: races keep
// one winner, retries do nothing twice.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { canonicalJson } from '../../src/common/canonical-json.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, heldSession, makeDossier, today } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem, makeCommune, makeProject, makePromoter } from '../helpers/factories.js';

type Res = { status: number; headers: Record<string, string>; body: Record<string, unknown> };

describe('dossiers under concurrent and repeated requests', () => {
  let t: TestApp;
  let instructor: Actor;
  let colleague: Actor;
  let director: Actor;
  let who: { instructor: Actor; director: Actor };
  const as = (a: Actor) => ({ Authorization: a.auth });
  const get = async (id: string) => (await t.http().get(`/api/v1/applications/${id}`).set(as(instructor)).expect(200)).body;
  const events = async (id: string) =>
    (await t.http().get(`/api/v1/applications/${id}/events?limit=200`).set(as(instructor)).expect(200)).body.items as {
      type: string;
      fromStatus: string | null;
      toStatus: string | null;
    }[];
  const auditRows = (id: string, action?: string) => t.prisma.auditLog.count({ where: { entity: 'application', entityId: id, ...(action && { action }) } });
  const byStatus = (results: Res[]) => results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  const newProject = async () => {
    const commune = await makeCommune(t);
    const promoter = await makePromoter(t, commune.inseeCode);
    return makeProject(t, promoter.id, commune.inseeCode);
  };

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    instructor = await actor(t, 'INSTRUCTOR');
    colleague = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    who = { instructor, director };
  });
  afterAll(() => t.close());

  describe('races', () => {
    it('20 concurrent submits: exactly one 200, 19 × 409, and one SUBMITTED event', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SITE_MEETING_HELD', who);
      const { version } = await get(id);
      const results: Res[] = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t
            .http()
            .post(`/api/v1/applications/${id}/submit`)
            .set(as(i % 2 ? colleague : instructor))
            .send({}),
        ),
      );
      expect(byStatus(results)).toEqual({ 200: 1, 409: 19 });
      for (const r of results.filter((x) => x.status === 409)) expect(expectProblem(r, 409)).toMatchObject({ currentStatus: 'SUBMITTED' });
      expect(results.find((r) => r.status === 200)!.body).toMatchObject({ status: 'SUBMITTED', version: version + 1 });
      expect(await get(id)).toMatchObject({ status: 'SUBMITTED', version: version + 1 });
      const history = await events(id);
      expect(history.filter((e) => e.type === 'SUBMITTED')).toHaveLength(1);
      expect(history.filter((e) => e.toStatus).map((e) => e.toStatus)).toEqual(['DRAFT', 'SITE_MEETING_HELD', 'SUBMITTED']);
      expect(await auditRows(id, 'application.submit')).toBe(1);
    });

    it('100 concurrent different moves on one dossier (complete, withdraw, close, and illegal ones): exactly one winner', async () => {
      const { id } = await makeDossier(t, instructor, { convention: 'ACI' });
      await advance(t, id, 'STEP3_IN_PROGRESS', who);
      const before = await get(id);
      const eventsBefore = (await events(id)).length;
      const auditBefore = await auditRows(id);
      const app = `/api/v1/applications/${id}`;
      // Every legal move from STEP3_IN_PROGRESS ends the dossier: after any winner, nothing else is legal.
      const moves: { path: string; body: object; by: Actor; to?: string }[] = [
        { path: `${app}/complete`, body: { summary: 'Coordination en place' }, by: instructor, to: 'COMPLETED' },
        { path: `${app}/withdraw`, body: { reason: 'Le promoteur renonce' }, by: colleague, to: 'WITHDRAWN' },
        { path: `${app}/close`, body: { reason: 'Sans suite' }, by: director, to: 'CLOSED' },
        { path: `${app}/complete`, body: { summary: 'Autre synthèse' }, by: director, to: 'COMPLETED' },
        { path: `${app}/submit`, body: {}, by: instructor },
        { path: `${app}/deliverables`, body: { receivedOn: daysAgo(1) }, by: colleague },
        { path: `${app}/receipt`, body: { issuedOn: today(), finessEj: '430000123', finessEt: '430000131' }, by: director },
        { path: `${app}/decision`, body: { outcome: 'APPROVED', decidedOn: daysAgo(1) }, by: director },
        { path: `${app}/site-meeting`, body: { heldOn: daysAgo(1), participants: 'ARS', findings: 'OK' }, by: instructor },
        { path: `${app}/withdraw`, body: { reason: 'Autre raison' }, by: instructor, to: 'WITHDRAWN' },
      ];
      const sent = Array.from({ length: 100 }, (_, i) => moves[i % moves.length]);
      const results: Res[] = await Promise.all(sent.map((m) => t.http().post(m.path).set(as(m.by)).send(m.body)));

      expect(byStatus(results)).toEqual({ 200: 1, 409: 99 });
      const winner = results.findIndex((r) => r.status === 200);
      const to = sent[winner].to!;
      expect(results[winner].body).toMatchObject({ status: to, version: before.version + 1 });
      results.forEach((r, i) => {
        if (i === winner) return;
        // A legal move lost the race to the winner's; an illegal one was refused where it found the dossier.
        const refused = expectProblem(r, 409);
        if (sent[i].to) expect(refused).toMatchObject({ currentStatus: to, allowedActions: [] });
        else expect(['STEP3_IN_PROGRESS', to]).toContain(refused.currentStatus);
      });
      expect(await get(id)).toMatchObject({ status: to, version: before.version + 1 });
      const history = await events(id);
      expect(history).toHaveLength(eventsBefore + 1);
      expect(history.at(-1)).toMatchObject({ fromStatus: 'STEP3_IN_PROGRESS', toStatus: to });
      expect(await auditRows(id)).toBe(auditBefore + 1);
    });

    it('concurrent reassignments and a move, sent without If-Match, never answer 412, and every success is one event', async () => {
      const { id } = await makeDossier(t, instructor);
      const assignees = [colleague, director, instructor];
      const requests = [
        ...Array.from({ length: 15 }, (_, i) =>
          t
            .http()
            .patch(`/api/v1/applications/${id}`)
            .set(as(instructor))
            .send({ assigneeId: assignees[i % 3].userId }),
        ),
        ...Array.from({ length: 5 }, () =>
          t
            .http()
            .post(`/api/v1/applications/${id}/site-meeting`)
            .set(as(colleague))
            .send({ heldOn: daysAgo(2), participants: 'ARS', findings: 'OK' }),
        ),
      ];
      const results: Res[] = await Promise.all(requests);
      // A loser of the race is refused because the dossier changed under it: 409, never
      // "If-Match does not match" for a request that sent no If-Match, never an error.
      expect(results.filter((r) => r.status !== 200 && r.status !== 409).map((r) => [r.status, r.body.detail])).toEqual([]);
      for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409);
      const assigned = results.slice(0, 15).filter((r) => r.status === 200).length;
      const moved = results.slice(15).filter((r) => r.status === 200).length;
      expect(assigned).toBeGreaterThanOrEqual(1);
      expect(moved).toBeLessThanOrEqual(1);
      const history = await events(id);
      expect(history.filter((e) => e.type === 'ASSIGNED')).toHaveLength(assigned);
      expect(history.filter((e) => e.type === 'SITE_MEETING_RECORDED')).toHaveLength(moved);
      expect(await get(id)).toMatchObject({ status: moved ? 'SITE_MEETING_HELD' : 'DRAFT', version: 1 + assigned + moved });
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer of a move for the same key and body, and does nothing twice, even after the dossier moved on', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SITE_MEETING_HELD', who);
      const submit = (a: Actor, key: string, body: object = {}) => t.http().post(`/api/v1/applications/${id}/submit`).set(as(a)).set('Idempotency-Key', key).send(body);
      const first = await submit(instructor, 'submit-once').expect(200);
      expect(first.body.status).toBe('SUBMITTED');
      const again = await submit(instructor, 'submit-once').expect(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers.etag).toBe(first.headers.etag);

      // The dossier moves on; the same retry still gets the first answer, and changes nothing.
      await advance(t, id, 'CARPEC_REVIEW', who);
      const { version } = await get(id);
      const late = await submit(instructor, 'submit-once').expect(200);
      expect(late.body).toEqual(first.body);
      expect(await get(id)).toMatchObject({ status: 'CARPEC_REVIEW', version });
      expect((await events(id)).filter((e) => e.type === 'SUBMITTED')).toHaveLength(1);
      expect(await auditRows(id, 'application.submit')).toBe(1);

      // Another body with the same key: 422. Another caller's same key is not the first one's.
      const reused = expectProblem(await submit(instructor, 'submit-once', { receivedOn: daysAgo(1) }), 422);
      expect(reused.type).toMatch(/idempotency-key-reused$/);
      expectProblem(await submit(colleague, 'submit-once'), 409);
      expect((await events(id)).filter((e) => e.type === 'SUBMITTED')).toHaveLength(1);
    });

    it('replays a creation: same 201, same Location, one dossier; another body with the key is refused with 422 and creates nothing', async () => {
      const project = await newProject();
      const other = await newProject();
      const create = (projectId: string) => t.http().post('/api/v1/applications').set(as(instructor)).set('Idempotency-Key', `create-${project.id}`).send({ projectId });
      const first = await create(project.id).expect(201);
      const again = await create(project.id).expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.location).toBe(`/api/v1/applications/${first.body.id}`);
      expect(again.headers.location).toBe(first.headers.location);
      expect(await t.prisma.application.count({ where: { projectId: project.id } })).toBe(1);
      expect(await auditRows(first.body.id, 'application.create')).toBe(1);
      expect(expectProblem(await create(other.id), 422).type).toMatch(/idempotency-key-reused$/);
      expect(await t.prisma.application.count({ where: { projectId: other.id } })).toBe(0);
    });

    it('frees the key of a request that failed: nothing was done, and the retry is carried out', async () => {
      const { id } = await makeDossier(t, instructor);
      const submit = () => t.http().post(`/api/v1/applications/${id}/submit`).set(as(instructor)).set('Idempotency-Key', 'too-early').send({});
      expectProblem(await submit(), 409);
      await advance(t, id, 'SITE_MEETING_HELD', who);
      const done = await submit().expect(200);
      expect(done.body.status).toBe('SUBMITTED');
      expect(done.headers['idempotent-replayed']).toBeUndefined();
    });

    it('answers 409 to the same key while the first request is still running, then replays its answer', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SITE_MEETING_HELD', who);
      const submit = () => t.http().post(`/api/v1/applications/${id}/submit`).set(as(instructor)).set('Idempotency-Key', 'slow').send({});
      // Hold the dossier's row so that the first request stays in flight, key claimed, until we let go.
      const lock = new pg.Client({ connectionString: t.databaseUrl });
      await lock.connect();
      try {
        await lock.query('BEGIN');
        await lock.query('SELECT 1 FROM applications WHERE id = $1 FOR UPDATE', [id]);
        const first = submit().then((r) => r);
        const hash = createHash('sha256').update(canonicalJson({})).digest('hex');
        for (let i = 0; ; i++) {
          const { rows } = await lock.query(`SELECT 1 FROM idempotency_records WHERE key = 'slow' AND state = 'IN_PROGRESS' AND request_hash = $1`, [hash]);
          if (rows.length) break;
          if (i > 500) throw new Error('the first request never claimed its key');
          await new Promise((r) => setTimeout(r, 10));
        }
        const during = expectProblem(await submit(), 409);
        expect(during.detail).toMatch(/still running/);
        await lock.query('ROLLBACK');
        const answer = await first;
        expect(answer.status).toBe(200);
        expect(answer.body.status).toBe('SUBMITTED');
        const replay = await submit().expect(200);
        expect(replay.body).toEqual(answer.body);
        expect((await events(id)).filter((e) => e.type === 'SUBMITTED')).toHaveLength(1);
      } finally {
        await lock.end();
      }
    });

    it('100 concurrent identical creations with one key: one dossier, one answer', async () => {
      const project = await newProject();
      const results: Res[] = await Promise.all(
        Array.from({ length: 100 }, () => t.http().post('/api/v1/applications').set(as(instructor)).set('Idempotency-Key', `burst-${project.id}`).send({ projectId: project.id })),
      );
      expect(results.filter((r) => r.status !== 201 && r.status !== 409).map((r) => [r.status, r.body.detail])).toEqual([]);
      const created = results.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      for (const r of created) expect(r.body).toEqual(created[0].body);
      // The others were told the first one was still running.
      for (const r of results.filter((x) => x.status === 409)) expect(expectProblem(r, 409).detail).toMatch(/still running/);
      expect(await t.prisma.application.count({ where: { projectId: project.id } })).toBe(1);
      const id = String(created[0].body.id);
      expect((await events(id)).filter((e) => e.type === 'CREATED')).toHaveLength(1);
      expect(await auditRows(id, 'application.create')).toBe(1);
      // Once done, the key answers the same dossier.
      const after = await t.http().post('/api/v1/applications').set(as(instructor)).set('Idempotency-Key', `burst-${project.id}`).send({ projectId: project.id }).expect(201);
      expect(after.body.id).toBe(id);
    });

    it('100 concurrent identical moves with one key: one SUBMITTED event, and every success is the same answer', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SITE_MEETING_HELD', who);
      const results: Res[] = await Promise.all(
        Array.from({ length: 100 }, () => t.http().post(`/api/v1/applications/${id}/submit`).set(as(instructor)).set('Idempotency-Key', 'burst-submit').send({})),
      );
      expect(results.filter((r) => r.status !== 200 && r.status !== 409).map((r) => [r.status, r.body.detail])).toEqual([]);
      const ok = results.filter((r) => r.status === 200);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const r of ok) expect(r.body).toEqual(ok[0].body);
      expect(ok[0].body).toMatchObject({ status: 'SUBMITTED' });
      for (const r of results.filter((x) => x.status === 409)) expect(expectProblem(r, 409).detail).toMatch(/still running/);
      expect((await events(id)).filter((e) => e.type === 'SUBMITTED')).toHaveLength(1);
      expect(await auditRows(id, 'application.submit')).toBe(1);
    });

    it('replays a CARPEC agenda item: one item on the séance, one move', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SUBMITTED', who);
      const session = await heldSession(t, instructor);
      const schedule = () =>
        t.http().post(`/api/v1/carpec-sessions/${session}/agenda`).set(as(instructor)).set('Idempotency-Key', 'agenda-1').send({ applicationId: id, purpose: 'OPINION' });
      const first = await schedule().expect(201);
      const again = await schedule().expect(201);
      expect(again.body).toEqual(first.body);
      expect(await t.prisma.carpecAgendaItem.count({ where: { applicationId: id } })).toBe(1);
      expect((await events(id)).filter((e) => e.toStatus === 'CARPEC_REVIEW')).toHaveLength(1);
    });
  });
});
