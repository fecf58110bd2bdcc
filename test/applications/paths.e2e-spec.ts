import { addMonths } from '../../src/common/validation/dates.js';
import { providePieces } from '../helpers/documents.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, makeDossier } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';

describe('dossier paths to COMPLETED', () => {
  let t: TestApp;
  let instructor: Actor;
  let director: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
  });
  afterAll(() => t.close());

  it('takes a new centre through steps 1, 2 and 3, with one event per move', async () => {
    const { id } = await makeDossier(t, instructor, { convention: 'ACI' });
    const created = await t.http().get(`/api/v1/applications/${id}`).set('Authorization', instructor.auth).expect(200);
    expect(created.body).toMatchObject({ status: 'DRAFT', step: 1, eligible: true, assigneeId: instructor.userId, version: 1 });
    expect(created.headers.etag).toBe('"1"');
    await advance(t, id, 'COMPLETED', { instructor, director });
    const done = (await t.http().get(`/api/v1/applications/${id}`).set('Authorization', instructor.auth).expect(200)).body;
    expect(done).toMatchObject({ status: 'COMPLETED', step: 3, receiptLate: false, receiptStatus: 'ISSUED_ON_TIME', allowedActions: [] });
    expect(done.receipt).toMatchObject({ finessEj: '430000123', finessEt: '430000131', late: false });
    expect(done.deliverablesReceivedOn).toBe(daysAgo(10));
    expect(done.receiptDueOn).toBe(addMonths(daysAgo(10), 2));
    const events = (await t.http().get(`/api/v1/applications/${id}/events`).set('Authorization', instructor.auth).expect(200)).body.items;
    // One event per move; the pièces' own events (DOCUMENT_ADDED) move nothing.
    const moves = events.filter((e: { toStatus: string | null }) => e.toStatus !== null);
    expect(events.filter((e: { type: string }) => e.type === 'DOCUMENT_ADDED')).toHaveLength(events.length - moves.length);
    expect(moves.map((e: { toStatus: string }) => e.toStatus)).toEqual([
      'DRAFT',
      'SITE_MEETING_HELD',
      'SUBMITTED',
      'CARPEC_REVIEW',
      'AWAITING_DECISION',
      'STEP2_IN_PROGRESS',
      'DELIVERABLES_RECEIVED',
      'RECEIPT_ISSUED',
      'RECEIPT_ISSUED',
      'STEP3_IN_PROGRESS',
      'COMPLETED',
    ]);
    expect(events[1]).toMatchObject({ fromStatus: 'DRAFT', actor: { id: instructor.userId, kind: 'USER' }, type: 'SITE_MEETING_RECORDED' });
  });

  it('takes an existing centre from approval straight to step 3', async () => {
    const { id } = await makeDossier(t, instructor, { existing: true, convention: 'ACCORD_NATIONAL' });
    await advance(t, id, 'AWAITING_DECISION', { instructor, director });
    const approved = await t
      .http()
      .post(`/api/v1/applications/${id}/decision`)
      .set('Authorization', director.auth)
      .send({ outcome: 'APPROVED', decidedOn: daysAgo(1) })
      .expect(200);
    expect(approved.body).toMatchObject({ status: 'STEP3_IN_PROGRESS', step: 3 });
    await providePieces(t, id, instructor);
    await t.http().post(`/api/v1/applications/${id}/complete`).set('Authorization', instructor.auth).send({ summary: 'ok' }).expect(200);
  });

  it('refuses an illegal move with 409, the current status and the allowed actions', async () => {
    const { id } = await makeDossier(t, instructor);
    const body = expectProblem(await t.http().post(`/api/v1/applications/${id}/submit`).set('Authorization', instructor.auth).send({}), 409);
    expect(body).toMatchObject({ currentStatus: 'DRAFT', allowedActions: ['RECORD_SITE_MEETING', 'WITHDRAW', 'CLOSE'] });
  });
});
