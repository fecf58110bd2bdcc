// Drives dossiers through the workflow with the real API, for tests that need one in a
// given status.
import type { ApplicationStatus } from '../../src/generated/prisma/enums.js';
import type { TestApp } from './app.js';
import { type Actor, makeCommune, makeProject, makePromoter, type CommuneOptions } from './factories.js';

export const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
export const daysAgo = (n: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() - n * 86_400_000));

export interface DossierOptions {
  commune?: CommuneOptions;
  existing?: boolean;
  convention?: 'NONE' | 'ACCORD_NATIONAL' | 'ACI';
}

let seq = 0;
export async function makeDossier(t: TestApp, instructor: Actor, o: DossierOptions = {}): Promise<{ id: string; projectId: string }> {
  seq++;
  const commune = await makeCommune(t, { inseeCode: o.commune?.inseeCode ?? `43${String(500 + seq).padStart(3, '0')}`, ...o.commune });
  const promoter = await makePromoter(t, commune.inseeCode);
  const project = await makeProject(t, promoter.id, commune.inseeCode, { existing: o.existing });
  if (o.convention) await t.prisma.project.update({ where: { id: project.id }, data: { convention: o.convention } });
  const res = await t.http().post('/api/v1/applications').set('Authorization', instructor.auth).send({ projectId: project.id }).expect(201);
  return { id: res.body.id, projectId: project.id };
}

/** The path of DOMAIN.md §5, step by step, until `target` (a new centre unless told). */
export async function advance(t: TestApp, id: string, target: ApplicationStatus, who: { instructor: Actor; director: Actor }) {
  const I = { Authorization: who.instructor.auth };
  const D = { Authorization: who.director.auth };
  const status = async () => (await t.http().get(`/api/v1/applications/${id}`).set(I).expect(200)).body.status as ApplicationStatus;
  let session: string | undefined;
  const newSession = async () =>
    (await t.http().post('/api/v1/carpec-sessions').set(I).send({ sessionDate: daysAgo(1), title: 'CARPEC' }).expect(201)).body.id as string;
  for (let guard = 0; guard < 12; guard++) {
    const s = await status();
    if (s === target) return;
    switch (s) {
      case 'DRAFT':
        await t.http().post(`/api/v1/applications/${id}/site-meeting`).set(I).send({ heldOn: daysAgo(30), participants: 'ARS, maire', findings: 'OK' }).expect(200);
        break;
      case 'SITE_MEETING_HELD':
        await t.http().post(`/api/v1/applications/${id}/submit`).set(I).send({}).expect(200);
        break;
      case 'SUBMITTED':
        session = await newSession();
        await t.http().post(`/api/v1/carpec-sessions/${session}/agenda`).set(I).send({ applicationId: id, purpose: 'OPINION' }).expect(201);
        break;
      case 'CARPEC_REVIEW':
        await t.http().post(`/api/v1/carpec-sessions/${session}/opinions`).set(I).send({ applicationId: id, outcome: 'FAVORABLE' }).expect(201);
        break;
      case 'AWAITING_DECISION':
        await t.http().post(`/api/v1/applications/${id}/decision`).set(D).send({ outcome: 'APPROVED', decidedOn: daysAgo(20) }).expect(200);
        break;
      case 'STEP2_IN_PROGRESS':
        await t.http().post(`/api/v1/applications/${id}/deliverables`).set(I).send({ receivedOn: daysAgo(10) }).expect(200);
        break;
      case 'DELIVERABLES_RECEIVED':
        await t.http().post(`/api/v1/applications/${id}/receipt`).set(D).send({ issuedOn: today(), finessEj: '430000123', finessEt: '430000131' }).expect(200);
        break;
      case 'RECEIPT_ISSUED':
        session = await newSession();
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
