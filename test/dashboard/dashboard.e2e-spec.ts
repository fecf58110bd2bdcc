// GET /dashboard (issue 24): the territory's dossiers by status and étape, the récépissé
// deadlines and idle dossiers (the DEADLINES report's rules), the open envelopes by funder with
// committed, remaining and paid; a département's partner counts its own dossiers only.
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, makeDossier } from '../helpers/dossiers.js';
import { actor, type Actor } from '../helpers/factories.js';
import { envelope } from '../helpers/funding.js';

describe('dashboard', () => {
  let t: TestApp;
  let admin: Actor;
  let instructor: Actor;
  let director: Actor;
  let partner15: Actor;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    partner15 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '15', funders: ['DETR'] });
  });
  afterAll(() => t.close());

  it('counts by status and étape, lists what is due and idle, and sums the envelopes by funder', async () => {
    const drafts = [await makeDossier(t, instructor), await makeDossier(t, instructor)];
    const due = await makeDossier(t, instructor, { name: 'MSP au récépissé attendu' });
    await advance(t, due.id, 'DELIVERABLES_RECEIVED', { instructor, director });
    const idle = await makeDossier(t, instructor, { name: 'MSP oubliée' });
    await t.prisma.application.update({ where: { id: idle.id }, data: { lastEventAt: new Date(Date.now() - 100 * 86_400_000) } });
    await makeDossier(t, instructor, { commune: { departmentCode: '15', inseeCode: '15501' }, name: 'MSP du Cantal' });
    const region = await envelope(t, admin, 'REGION', 50_000_000);
    await t.prisma.envelopeMovement.create({ data: { envelopeId: region.id, kind: 'COMMITMENT', amountCents: 12_500_000n, note: 'test' } });
    await envelope(t, admin, 'ARS', 10_000_000);

    const res = await t.http().get('/api/v1/dashboard').set('Authorization', instructor.auth).expect(200);
    const count = (status: string) => res.body.byStatus.find((s: { status: string }) => s.status === status)?.count ?? 0;
    expect(count('DRAFT')).toBe(drafts.length + 2);
    expect(count('DELIVERABLES_RECEIVED')).toBe(1);
    expect(res.body.byStatus.find((s: { status: string }) => s.status === 'DELIVERABLES_RECEIVED').step).toBe(2);
    // The deliverables came 10 days ago: the récépissé is due in about 50 days, not within 15.
    expect(res.body.deadlines).toEqual({ overdue: 0, dueSoon: 0, idle: 1 });
    expect(res.body.urgent).toEqual([expect.objectContaining({ applicationId: idle.id, projectName: 'MSP oubliée', kind: 'IDLE' })]);
    await t.prisma.application.update({ where: { id: due.id }, data: { receiptDueOn: new Date(Date.now() - 3 * 86_400_000) } });
    const later = (await t.http().get('/api/v1/dashboard').set('Authorization', instructor.auth).expect(200)).body;
    expect(later.deadlines).toEqual({ overdue: 1, dueSoon: 0, idle: 1 });
    expect(later.urgent[0]).toMatchObject({ applicationId: due.id, kind: 'RECEIPT_OVERDUE' });
    expect(later.envelopes).toEqual([
      { funder: 'REGION', amountCents: 50_000_000, committedCents: 12_500_000, remainingCents: 37_500_000, paidCents: 0 },
      { funder: 'ARS', amountCents: 10_000_000, committedCents: 0, remainingCents: 10_000_000, paidCents: 0 },
    ]);

    // The préfecture of the Cantal: its one dossier, nothing of Haute-Loire.
    const mine = (await t.http().get('/api/v1/dashboard').set('Authorization', partner15.auth).expect(200)).body;
    expect(mine.byStatus).toEqual([{ status: 'DRAFT', step: 1, count: 1 }]);
    expect(mine.deadlines).toEqual({ overdue: 0, dueSoon: 0, idle: 0 });
    expect(JSON.stringify(mine)).not.toContain('MSP oubliée');
  });
});
