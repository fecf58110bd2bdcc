// No read request sends more than 3 SQL statements (issue: performance): the principal, the
// rows with their relations and the access scope in one statement, a count where a page needs
// one. Counted through Prisma's query events, for every GET route of the API.
import { registeredRoutes } from '../../src/app.factory.js';
import { upload } from '../helpers/documents.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo } from '../helpers/dossiers.js';
import { makeDossier } from '../helpers/dossiers.js';
import { actor, type Actor, makeCall } from '../helpers/factories.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { activeRuleSet, envelope } from '../helpers/funding.js';

const MAX_STATEMENTS = 3;

describe('SQL statements per read request', () => {
  let t: TestApp;
  let admin: Actor;
  let instructor: Actor;
  let director: Actor;
  let statements: string[] = [];
  let receiver: Receiver;
  const urls: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ DATABASE_QUERY_EVENTS: 'true', RATE_LIMIT_PER_MINUTE: '0', WEBHOOKS_ALLOW_LOOPBACK: 'true' });
    t.prisma.onQuery((e) => statements.push(e.query));
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    const ruleSet = await activeRuleSet(t, admin);
    const env = await envelope(t, admin, 'REGION', 100_000_000);
    const { id, projectId } = await makeDossier(t, instructor, { convention: 'ACI' });
    await t
      .http()
      .put(`/api/v1/applications/${id}/expenses`)
      .set('Authorization', instructor.auth)
      .send([
        { category: 'IMMOBILIER', label: 'Travaux', amountCents: 50_000_000 },
        { category: 'EQUIPEMENT', label: 'Matériel', amountCents: 4_000_000 },
      ])
      .expect(200);
    await t.http().post(`/api/v1/applications/${id}/funding-plan/compute`).set('Authorization', instructor.auth).send({}).expect(200);
    await advance(t, id, 'RECEIPT_ISSUED', { instructor, director });
    for (let i = 0; i < 3; i++) await makeDossier(t, instructor);
    // A pièce of one chunk (its bytes are read in 1 MiB statements), and a note.
    const doc = (await upload(t, id, instructor, 'OTHER').expect(201)).body.id as string;
    await t.http().post(`/api/v1/applications/${id}/notes`).set('Authorization', instructor.auth).send({ text: 'Relancer' }).expect(201);
    const project = await t.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    const epci = await t.prisma.epci.create({
      data: { siren: '200073419', name: 'CC Brioude Sud Auvergne', type: 'CC', population: 17000, memberCount: 47, largestMemberPopulation: 6600 },
    });
    await t.prisma.commune.update({ where: { inseeCode: project.communeInsee }, data: { epciSiren: epci.siren } });
    const session = (await t.prisma.carpecSession.findFirstOrThrow()).id;
    const run = (
      await t
        .http()
        .post('/api/v1/reports/runs')
        .set('Authorization', admin.auth)
        .send({ type: 'PIPELINE', date: daysAgo(1) })
        .expect(202)
    ).body.items[0].id;
    // The in-process worker runs it now: wait, so that its statements are not counted below.
    for (let i = 0; i < 100 && (await t.prisma.reportRun.findUniqueOrThrow({ where: { id: run } })).status !== 'SUCCEEDED'; i++) await new Promise((r) => setTimeout(r, 100));
    const key = (await t.http().post('/api/v1/api-keys').set('Authorization', admin.auth).send({ name: 'k', role: 'REPORTING', organizationId: admin.organizationId }).expect(201))
      .body;
    const page = (await t.http().get('/api/v1/applications?limit=2').set('Authorization', admin.auth).expect(200)).body;
    // A webhook with a delivery made (to a receiver of the test's own): its log has an attempt,
    // and no retry of it sends statements while the reads are counted.
    receiver = await startReceiver();
    const hook = (
      await t
        .http()
        .post('/api/v1/webhooks')
        .set('Authorization', admin.auth)
        .send({ url: receiver.url, events: ['payment.recorded'] })
        .expect(201)
    ).body.id as string;
    const call = await makeCall(t, admin);
    const sync = (await t.prisma.dsSync.create({ data: { callId: call, trigger: 'MANUAL', status: 'SUCCEEDED', refused: [{ dsNumber: 7, reason: 'champ vide' }] } })).id;
    const hookEvent = (await t.http().post(`/api/v1/webhooks/${hook}/test`).set('Authorization', admin.auth).expect(202)).body.eventId as string;
    for (let i = 0; i < 100 && (await t.prisma.webhookAttempt.count({ where: { eventId: hookEvent } })) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    urls.push(
      '/api/v1/me',
      '/api/v1/organizations',
      `/api/v1/organizations/${admin.organizationId}`,
      '/api/v1/users',
      `/api/v1/users/${instructor.userId}`,
      '/api/v1/api-keys',
      `/api/v1/communes?q=commune&departmentCode=43`,
      `/api/v1/communes/${project.communeInsee}`,
      '/api/v1/epcis?departmentCode=43',
      `/api/v1/epcis/${epci.siren}`,
      '/api/v1/promoters',
      `/api/v1/promoters/${project.promoterId}`,
      '/api/v1/projects',
      `/api/v1/projects/${projectId}`,
      `/api/v1/applications/${id}`,
      '/api/v1/applications?status=DRAFT&departmentCode=43',
      `/api/v1/applications?limit=2&cursor=${page.nextCursor}`,
      '/api/v1/applications?step=2&zone=ZIP&kind=MSP&q=msp&assignee=me',
      `/api/v1/applications/${id}/events`,
      `/api/v1/applications/${id}/expenses`,
      `/api/v1/applications/${id}/funding-plan`,
      `/api/v1/applications/${id}/detr-confirmation`,
      `/api/v1/applications/${id}/documents`,
      `/api/v1/applications/${id}/documents/${doc}`,
      `/api/v1/applications/${id}/documents/${doc}/content`,
      `/api/v1/applications/${id}/notes`,
      '/api/v1/carpec-sessions',
      `/api/v1/carpec-sessions/${session}`,
      `/api/v1/carpec-sessions/${session}/pack`,
      '/api/v1/funding-rule-sets',
      '/api/v1/envelopes',
      `/api/v1/envelopes/${env.id}`,
      `/api/v1/envelopes/${env.id}/movements`,
      '/api/v1/reports/runs?type=PIPELINE',
      `/api/v1/reports/runs/${run}`,
      `/api/v1/reports/runs/${run}/download?format=csv`,
      `/api/v1/audit?entity=application&id=${id}`,
      '/api/v1/webhooks',
      `/api/v1/webhooks/${hook}`,
      `/api/v1/webhooks/${hook}/deliveries`,
      '/api/v1/me/digest',
      '/api/v1/calls?procedure=STEP1&openOn=2027-02-01',
      `/api/v1/calls/${call}`,
      `/api/v1/applications?callId=${call}`,
      '/api/v1/dashboard',
      `/api/v1/calls/${call}/syncs`,
      `/api/v1/calls/${call}/syncs/${sync}`,
    );
    void ruleSet;
    void hookEvent;
    void key;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('covers every GET route of the API', () => {
    const gets = registeredRoutes(t.app).filter((r) => r.method === 'GET' && r.url.startsWith('/api/v1/'));
    const pattern = (url: string) => new RegExp(`^${url.replace(/:\w+/g, '[^/?]+')}(\\?|$)`);
    const uncovered = gets.filter((r) => !urls.some((u) => pattern(r.url).test(u))).map((r) => r.url);
    expect(uncovered).toEqual([]);
  });

  /** 3 (principal, séance, agenda) + 4 per dossier of the agenda + 1 per 256 KiB slice of its current pièces' chunks. */
  async function packBound(sessionId: string): Promise<number> {
    const items = await t.prisma.carpecAgendaItem.findMany({ where: { sessionId }, select: { applicationId: true } });
    const docs = await t.prisma.applicationDocument.findMany({
      where: { applicationId: { in: items.map((i) => i.applicationId) }, supersededAt: null, withdrawnAt: null },
      select: { sizeBytes: true },
    });
    const slices = docs.reduce((n, d) => n + Math.ceil(Number(d.sizeBytes) / (256 * 1024)), 0);
    return 3 + 4 * items.length + slices;
  }

  it(`sends at most ${MAX_STATEMENTS} statements for each read request`, async () => {
    const over: string[] = [];
    const counts: string[] = [];
    for (const url of urls) {
      // The same caller as the matrix's reader of everything: the region's admin (the
      // instructor for assignee=me).
      const who = url.includes('assignee=me') ? instructor : admin;
      statements = [];
      const res = await t.http().get(url).set('Authorization', who.auth);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      const sent = [...statements];
      counts.push(`${sent.length} ${url}`);
      // A download streams its rows in batches inside one snapshot: the principal, the run,
      // one statement per batch (one here), and the end of its transaction.
      // The séance pack reads, for each dossier of its agenda, its facts, its pièces and its plan
      // (plan and lines), then each pièce's bytes: linear in what it holds, never more.
      const allowed = url.includes('/download') ? 4 : url.endsWith('/pack') ? await packBound(url.split('/')[4]) : MAX_STATEMENTS;
      if (sent.length > allowed || sent.length === 0) over.push(`${url}: ${sent.length} (at most ${allowed})\n  ${sent.join('\n  ')}`);
    }
    console.info(`statements per read request:\n${counts.join('\n')}`);
    expect(over).toEqual([]);
  });
});
