// Drives dossiers through the workflow with the real API, for tests that need one in a
// given status.
import { type Action, rolesFor } from '../../src/applications/workflow.js';
import type { ApplicationStatus, Procedure, ProjectKind, ProjectNature } from '../../src/generated/prisma/enums.js';
import type { TestApp } from './app.js';
import { providePieces } from './documents.js';
import { type Actor, makeCommune, makeProject, makePromoter, type CommuneOptions } from './factories.js';

export const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
export const daysAgo = (n: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() - n * 86_400_000));
const later = (a: string, b: string | null | undefined) => (b && b > a ? b : a);

/**
 * The dates of the walk, in the procedure's order (docs/domain.md: site meeting ≤ request ≤
 * CARPEC séance ≤ decision ≤ deliverables ≤ récépissé), far enough back that a test may date
 * the deliverables or the récépissé anywhere in the last year and a half.
 */
export const WALK = {
  siteMeeting: daysAgo(730),
  request: daysAgo(720),
  session: daysAgo(710),
  decision: daysAgo(700),
  deliverables: daysAgo(10),
  auditPlan: daysAgo(10),
};

export interface DossierOptions {
  commune?: CommuneOptions;
  existing?: boolean;
  convention?: 'NONE' | 'ACCORD_NATIONAL' | 'ACI';
  /** The project's name (what `?q=` searches) and kind. */
  name?: string;
  kind?: ProjectKind;
  procedure?: Procedure;
  nature?: ProjectNature;
  /** Other columns of the project (professionals, population, antenne facts…). */
  project?: Record<string, unknown>;
}

let seq = 0;
export async function makeDossier(t: TestApp, instructor: Actor, o: DossierOptions = {}): Promise<{ id: string; projectId: string }> {
  seq++;
  const commune = await makeCommune(t, { inseeCode: o.commune?.inseeCode ?? `43${String(500 + seq).padStart(3, '0')}`, ...o.commune });
  const promoter = await makePromoter(t, commune.inseeCode);
  const project = await makeProject(t, promoter.id, commune.inseeCode, { existing: o.existing, name: o.name, kind: o.kind });
  const extra = { ...(o.convention && { convention: o.convention }), ...(o.nature && { nature: o.nature }), ...o.project };
  if (Object.keys(extra).length) await t.prisma.project.update({ where: { id: project.id }, data: extra });
  const res = await t
    .http()
    .post('/api/v1/applications')
    .set('Authorization', instructor.auth)
    .send({ projectId: project.id, ...(o.procedure && { procedure: o.procedure }) })
    .expect(201);
  return { id: res.body.id, projectId: project.id };
}

/** The path of docs/domain.md's workflow (accompaniment, or audit), step by step, until `target` (a new centre unless told), with dates in order. */
export async function advance(t: TestApp, id: string, target: ApplicationStatus, who: { instructor: Actor; director: Actor }) {
  const I = { Authorization: who.instructor.auth };
  const D = { Authorization: who.director.auth };
  const read = async () => (await t.http().get(`/api/v1/applications/${id}`).set(I).expect(200)).body;
  let session: string | undefined;
  const newSession = async (sessionDate: string) => (await t.http().post('/api/v1/carpec-sessions').set(I).send({ sessionDate, title: 'CARPEC' }).expect(201)).body.id as string;
  for (let guard = 0; guard < 12; guard++) {
    let dossier = await read();
    // The pièces of the next move (seed 002), uploaded before it, and left ready at the target.
    if (dossier.checklist.missing.length) {
      await providePieces(t, id, who.instructor);
      dossier = await read();
    }
    const s = dossier.status as ApplicationStatus;
    if (s === target) return;
    switch (s) {
      case 'DRAFT':
        if (dossier.procedure === 'AUDIT') {
          await t.http().post(`/api/v1/applications/${id}/submit`).set(I).send({ receivedOn: WALK.request }).expect(200);
          break;
        }
        await t.http().post(`/api/v1/applications/${id}/site-meeting`).set(I).send({ heldOn: WALK.siteMeeting, participants: 'ARS, maire', findings: 'OK' }).expect(200);
        break;
      case 'SITE_MEETING_HELD':
        await t
          .http()
          .post(`/api/v1/applications/${id}/submit`)
          .set(I)
          .send({ receivedOn: later(WALK.request, dossier.siteMeeting?.heldOn) })
          .expect(200);
        break;
      case 'SUBMITTED':
        session = await newSession(later(WALK.session, dossier.requestReceivedOn));
        await t.http().post(`/api/v1/carpec-sessions/${session}/agenda`).set(I).send({ applicationId: id, purpose: 'OPINION' }).expect(201);
        break;
      case 'CARPEC_REVIEW':
        session ??= (await openAgendaSession(t, id, 'OPINION'))!;
        await t.http().post(`/api/v1/carpec-sessions/${session}/opinions`).set(I).send({ applicationId: id, outcome: 'FAVORABLE' }).expect(201);
        break;
      case 'AWAITING_DECISION':
        await t
          .http()
          .post(`/api/v1/applications/${id}/decision`)
          .set(D)
          .send({ outcome: 'APPROVED', decidedOn: later(WALK.decision, await opinionSessionDate(t, id)) })
          .expect(200);
        break;
      case 'STEP2_IN_PROGRESS':
        await t
          .http()
          .post(`/api/v1/applications/${id}/deliverables`)
          .set(I)
          .send({ receivedOn: later(WALK.deliverables, dossier.decision?.decidedOn) })
          .expect(200);
        break;
      case 'AUDIT_IN_PROGRESS':
        await t
          .http()
          .post(`/api/v1/applications/${id}/audit-plan`)
          .set(I)
          .send({ deliveredOn: later(WALK.auditPlan, dossier.decision?.decidedOn), summary: "Plan de retour à l'équilibre" })
          .expect(200);
        break;
      case 'DELIVERABLES_RECEIVED':
        await t.http().post(`/api/v1/applications/${id}/receipt`).set(D).send({ issuedOn: today(), finessEj: '430000123', finessEt: '430000131' }).expect(200);
        break;
      case 'RECEIPT_ISSUED':
        session = await newSession(today());
        await t.http().post(`/api/v1/carpec-sessions/${session}/agenda`).set(I).send({ applicationId: id, purpose: 'INFORMATION' }).expect(201);
        await t.http().post(`/api/v1/carpec-sessions/${session}/opinions`).set(I).send({ applicationId: id, outcome: 'NOTED' }).expect(201);
        break;
      case 'STEP3_IN_PROGRESS':
        await t.http().post(`/api/v1/applications/${id}/complete`).set(I).send({ summary: 'Coordination en place' }).expect(200);
        break;
      default:
        throw new Error(`cannot advance from ${s} to ${target}`);
    }
  }
  throw new Error(`did not reach ${target}`);
}

/** The role a move needs: the director for what only it may do, an instructor otherwise (from the table). */
export const actorFor = (action: Action, who: { instructor: Actor; director: Actor }): { actor: Actor; role: 'INSTRUCTOR' | 'DIRECTOR' } =>
  rolesFor(action).includes('INSTRUCTOR') ? { actor: who.instructor, role: 'INSTRUCTOR' } : { actor: who.director, role: 'DIRECTOR' };

/** A held CARPEC séance (on the walk's séance date, unless told). */
export async function heldSession(t: TestApp, instructor: Actor, sessionDate = WALK.session): Promise<string> {
  return (await t.http().post('/api/v1/carpec-sessions').set('Authorization', instructor.auth).send({ sessionDate, title: 'CARPEC' }).expect(201)).body.id;
}

/** The date of the séance that gave the dossier's latest opinion. */
async function opinionSessionDate(t: TestApp, id: string): Promise<string | undefined> {
  const opinion = await t.prisma.carpecOpinion.findFirst({ where: { applicationId: id, outcome: { not: 'NOTED' } }, orderBy: { createdAt: 'desc' }, include: { session: true } });
  return opinion?.session.sessionDate.toISOString().slice(0, 10);
}

/** The séance on whose agenda the dossier awaits an opinion (or information), if any. */
async function openAgendaSession(t: TestApp, id: string, purpose: 'OPINION' | 'INFORMATION'): Promise<string | undefined> {
  const item = await t.prisma.carpecAgendaItem.findFirst({ where: { applicationId: id, purpose, opinion: null }, orderBy: { createdAt: 'desc' } });
  return item?.sessionId;
}

/**
 * Sends the API request of one workflow action (`Action` of src/applications/workflow.ts) with a
 * valid body, as the role the table requires, and returns the answer whatever it is.
 */
export async function act(
  t: TestApp,
  id: string,
  action: Action,
  who: { instructor: Actor; director: Actor },
  options: {
    headers?: Record<string, string>;
    /** The séance to use instead of a new one. */ session?: string;
    /** Upload the pièces the move needs first, when it is the dossier's next (default true). */ pieces?: boolean;
  } = {},
) {
  const { actor: a } = actorFor(action, who);
  if (options.pieces !== false) {
    const dossier = (await t.http().get(`/api/v1/applications/${id}`).set('Authorization', who.instructor.auth).expect(200)).body;
    if (dossier.checklist.nextAction === action && dossier.checklist.missing.length) await providePieces(t, id, who.instructor);
  }
  const headers = options.headers ?? {};
  const session = async () => options.session ?? (await heldSession(t, who.instructor));
  const post = (path: string, body: object) => t.http().post(path).set('Authorization', a.auth).set(headers).send(body);
  const app = `/api/v1/applications/${id}`;
  switch (action) {
    case 'RECORD_SITE_MEETING':
      return post(`${app}/site-meeting`, { heldOn: WALK.siteMeeting, participants: 'ARS, maire', findings: 'OK' });
    case 'SUBMIT':
      return post(`${app}/submit`, { receivedOn: WALK.request });
    case 'SCHEDULE_OPINION':
      return post(`/api/v1/carpec-sessions/${await session()}/agenda`, { applicationId: id, purpose: 'OPINION' });
    case 'RECORD_OPINION': {
      const on = (await openAgendaSession(t, id, 'OPINION')) ?? (await session());
      return post(`/api/v1/carpec-sessions/${on}/opinions`, { applicationId: id, outcome: 'FAVORABLE' });
    }
    case 'APPROVE':
      return post(`${app}/decision`, { outcome: 'APPROVED', decidedOn: WALK.decision });
    case 'REJECT':
      return post(`${app}/decision`, { outcome: 'REJECTED', decidedOn: WALK.decision, motivation: 'Projet de santé insuffisant' });
    case 'RECEIVE_DELIVERABLES':
      return post(`${app}/deliverables`, { receivedOn: WALK.deliverables });
    case 'ISSUE_RECEIPT':
      return post(`${app}/receipt`, { issuedOn: today(), finessEj: '430000123', finessEt: '430000131' });
    case 'SCHEDULE_INFORMATION':
      return post(`/api/v1/carpec-sessions/${await session()}/agenda`, { applicationId: id, purpose: 'INFORMATION' });
    case 'NOTE_INFORMATION': {
      const on = (await openAgendaSession(t, id, 'INFORMATION')) ?? (await session());
      return post(`/api/v1/carpec-sessions/${on}/opinions`, { applicationId: id, outcome: 'NOTED' });
    }
    case 'COMPLETE':
      return post(`${app}/complete`, { summary: 'Coordination en place' });
    case 'DELIVER_AUDIT_PLAN':
      return post(`${app}/audit-plan`, { deliveredOn: WALK.auditPlan, summary: "Plan de retour à l'équilibre" });
    case 'WITHDRAW':
      return post(`${app}/withdraw`, { reason: 'Le promoteur renonce' });
    case 'CLOSE':
      return post(`${app}/close`, { reason: 'Sans suite' });
  }
}

/** Like `advance`, and also into the terminal statuses that are not on the main path. */
export async function reach(t: TestApp, id: string, target: ApplicationStatus, who: { instructor: Actor; director: Actor }) {
  const moves: Partial<Record<ApplicationStatus, [ApplicationStatus, Action]>> = {
    REJECTED: ['AWAITING_DECISION', 'REJECT'],
    WITHDRAWN: ['DRAFT', 'WITHDRAW'],
    CLOSED: ['DRAFT', 'CLOSE'],
  };
  const last = moves[target];
  if (!last) return advance(t, id, target, who);
  await advance(t, id, last[0], who);
  const res = await act(t, id, last[1], who);
  if (res.status !== 200) throw new Error(`could not reach ${target}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Runs `fn` over `items`, at most `limit` at a time (setting up many dossiers without flooding a small pool). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
