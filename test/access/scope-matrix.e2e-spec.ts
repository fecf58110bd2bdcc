// The scope matrix: every route the application registers has an entry here. Every read route
// (GET) is tried by four callers — the region's partner, a partner of the object's département,
// a partner of another département, an ARS admin of another region — on objects of the
// département of Haute-Loire (43) and of Haute-Savoie (74) (and the region's own, where the
// resource has some), with real fixture ids; a 200 must not carry anything of the other
// département (its dossier, project, promoter, envelope ids, its confidential text). Every
// write that belongs to the region is tried by a caller of a département: 403 naming why.
// A route added without an entry fails the first test.
import { randomUUID } from 'node:crypto';
import { registeredRoutes } from '../../src/app.factory.js';
import { samplePdf, upload } from '../helpers/documents.js';
import { bytes, startTestApp, type TestApp } from '../helpers/app.js';
import { type Actor, actor, expectProblem, makeCommune, makeProject, makePromoter, makeUser, PASSWORD, makeCall } from '../helpers/factories.js';
import { activeRuleSet, envelope } from '../helpers/funding.js';

type Caller = 'regionPartner' | 'partner43' | 'partner74' | 'otherRegionAdmin';
const CALLERS: Caller[] = ['regionPartner', 'partner43', 'partner74', 'otherRegionAdmin'];
type Status = 200 | 403 | 404;
/** Status per caller, in the order of CALLERS. */
type Row = [Status, Status, Status, Status];
/** The objects a read route is tried on, by label: '43' and '74' (the départements), 'region' (the region's own), 'list' (no id). */
type Label = '43' | '74' | 'region' | 'list';

type Entry =
  | { public: true }
  | { read: Partial<Record<Label, Row>>; query?: string }
  | { regionWrite: { as: 'ADMIN' | 'REPORTING'; body?: (f: Fixtures) => unknown; csv?: string } }
  /** A write tried elsewhere (route matrix: roles and other region; the dossier's own scope tests). */
  | { write: string };

interface Side {
  inseeCode: string;
  epciSiren: string;
  promoterId: string;
  projectId: string;
  applicationId: string;
  documentId: string;
  sessionId: string;
  envelopeId: string;
  /** Its partner's webhook subscription (described with the secret). */
  webhookId: string;
  /** Text only this département's callers may read. */
  secret: string;
}
interface Fixtures {
  '43': Side;
  '74': Side;
  region: {
    sessionId: string;
    envelopeId: string;
    reportRunId: string;
    ruleSetId: string;
    organizationId: string;
    userId: string;
    apiKeyId: string;
    callId: string;
    syncId: string;
  };
}

/** An object of a département: its partner and the region's see it, the other département and region do not. */
const DEPT: Partial<Record<Label, Row>> = { '43': [200, 200, 404, 404], '74': [200, 404, 200, 404] };
/** An object of the region as a whole (a séance, the region's envelope, a report run). */
const REGION_WIDE: Partial<Record<Label, Row>> = { region: [200, 200, 200, 404] };
/** A list: everyone admitted gets 200, with its own rows only. */
const LIST: Partial<Record<Label, Row>> = { list: [200, 200, 200, 200] };
const ACCOUNTS: Partial<Record<Label, Row>> = { region: [403, 403, 403, 404] };
const ACCOUNT_LIST: Partial<Record<Label, Row>> = { list: [403, 403, 403, 200] };

const SCOPE: Record<string, Entry> = {
  'GET /health/live': { public: true },
  'GET /health/ready': { public: true },
  'GET /metrics': { public: true },
  'GET /docs': { public: true },
  'GET /docs/': { public: true },
  'GET /docs/*': { public: true },
  'GET /docs/index.html': { public: true },
  'GET /docs/LICENSE': { public: true },
  'GET /docs/swagger-ui-init.js': { public: true },
  'GET /docs/docs/swagger-ui-init.js': { public: true },
  'GET /docs-json': { public: true },
  'GET /docs-yaml': { public: true },
  'POST /api/v1/auth/login': { public: true },
  'POST /api/v1/auth/refresh': { public: true },
  'POST /api/v1/auth/logout': { public: true },
  'GET /': { public: true },
  'GET /assets/*': { public: true },
  'POST /api/v1/auth/session': { public: true },
  'POST /api/v1/auth/session/refresh': { public: true },
  'DELETE /api/v1/auth/session': { public: true },
  'GET /api/v1/me': { read: LIST },
  // Counts and the most urgent dossiers of the caller's territory only (the other département's names never in it).
  'GET /api/v1/dashboard': { read: LIST },

  'GET /api/v1/organizations': { read: ACCOUNT_LIST },
  'GET /api/v1/organizations/:id': { read: ACCOUNTS },
  'GET /api/v1/users': { read: ACCOUNT_LIST },
  'GET /api/v1/users/:id': { read: ACCOUNTS },
  'GET /api/v1/api-keys': { read: ACCOUNT_LIST },
  'POST /api/v1/organizations': { write: 'admins of the region only (route matrix)' },
  'PATCH /api/v1/organizations/:id': { write: 'admins of the region only (route matrix)' },
  'POST /api/v1/users': { write: 'admins of the region only (route matrix)' },
  'PATCH /api/v1/users/:id': { write: 'admins of the region only (route matrix)' },
  'POST /api/v1/api-keys': { write: 'admins of the region only (route matrix)' },
  'DELETE /api/v1/api-keys/:id': { write: 'admins of the region only (route matrix)' },

  'GET /api/v1/communes': { read: LIST },
  'GET /api/v1/communes/:inseeCode': { read: DEPT },
  'GET /api/v1/epcis': { read: LIST },
  'GET /api/v1/epcis/:siren': { read: DEPT },
  'POST /api/v1/communes': {
    regionWrite: {
      as: 'ADMIN',
      body: () => ({ inseeCode: '43299', name: 'X', departmentCode: '43', regionCode: '84', population: 1, zone: 'ZIP', qpv: false, island: false, rural: true }),
    },
  },
  'POST /api/v1/communes/import': {
    regionWrite: { as: 'ADMIN', csv: 'inseeCode,name,departmentCode,regionCode,population,zone,qpv,island,rural\n43298,X,43,84,1,ZIP,false,false,true\n' },
  },
  'POST /api/v1/communes/zoning/import': { regionWrite: { as: 'ADMIN', csv: 'inseeCode,zone,qpv,island\n43040,ZAC,false,false\n' } },
  'POST /api/v1/communes/load-official': { regionWrite: { as: 'ADMIN', body: () => ({ regionCode: '84' }) } },
  'PATCH /api/v1/communes/:inseeCode': { regionWrite: { as: 'ADMIN', body: () => ({ zone: 'ZAC' }) } },

  'GET /api/v1/promoters': { read: LIST },
  'GET /api/v1/promoters/:id': { read: DEPT },
  'POST /api/v1/promoters': { write: 'instructing roles (ARS): route matrix' },
  'PATCH /api/v1/promoters/:id': { write: 'instructing roles (ARS): route matrix' },
  'GET /api/v1/projects': { read: LIST },
  'GET /api/v1/projects/:id': { read: DEPT },
  'POST /api/v1/projects': { write: 'instructing roles (ARS): route matrix' },
  'PATCH /api/v1/projects/:id': { write: 'instructing roles (ARS): route matrix' },
  'PUT /api/v1/projects/:id/follow-up/:year': { write: 'instructing roles (ARS): route matrix' },

  'GET /api/v1/applications': { read: LIST },
  'GET /api/v1/applications/:id': { read: DEPT },
  'GET /api/v1/applications/:id/events': { read: DEPT },
  'GET /api/v1/applications/:id/expenses': { read: DEPT },
  'GET /api/v1/applications/:id/funding-plan': { read: DEPT },
  // Partners download the pièces of their territory's dossiers.
  'GET /api/v1/applications/:id/documents': { read: DEPT },
  'GET /api/v1/applications/:id/documents/:docId': { read: DEPT },
  'GET /api/v1/applications/:id/documents/:docId/content': { read: DEPT },
  // The ARS's internal notes exist for no partner, of any territory.
  'GET /api/v1/applications/:id/notes': { read: { '43': [404, 404, 404, 404], '74': [404, 404, 404, 404] } },
  'POST /api/v1/applications/:id/documents': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/documents/:docId/versions': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/documents/:docId/withdraw': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/notes': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications': { write: 'workflow roles (ARS): route matrix' },
  'PATCH /api/v1/applications/:id': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/site-meeting': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/submit': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/decision': { write: 'director: route matrix' },
  'POST /api/v1/applications/:id/deliverables': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/receipt': { write: 'director: route matrix' },
  'POST /api/v1/applications/:id/complete': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/withdraw': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/close': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/audit-plan': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/attestations': { write: 'workflow roles (ARS): route matrix' },
  'DELETE /api/v1/applications/:id/attestations/:code': { write: 'workflow roles (ARS): route matrix' },
  'PUT /api/v1/applications/:id/expenses': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/funding-plan/compute': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/applications/:id/funding-plan/commit': { write: 'director: route matrix' },
  'PUT /api/v1/applications/:id/funding-plan/lines/:funder': { write: "a partner's own funder, dossier in its territory: test/funding" },
  'POST /api/v1/applications/:id/funding-plan/lines/:funder/payments': { write: "a partner's own funder, dossier in its territory: test/funding" },
  'GET /api/v1/applications/:id/detr-confirmation': { read: DEPT },
  'POST /api/v1/applications/:id/detr-confirmation': { write: 'the DETR préfecture of the dossier’s département: test/funding/fidelity' },
  'POST /api/v1/funding/simulate': { write: 'computes, writes nothing' },

  'GET /api/v1/carpec-sessions': { read: LIST },
  // A séance is the region's: every partner of the region reads it (date, title), with the agenda
  // items of its own territory only — the séance of 74's dossier is read by 43 with an empty agenda.
  'GET /api/v1/carpec-sessions/:id': { read: { ...REGION_WIDE, '43': [200, 200, 200, 404], '74': [200, 200, 200, 404] } },
  // The pack of a séance: every partner of the region gets it, with its own territory's dossiers only (the leak check reads the ZIP's bytes).
  'GET /api/v1/carpec-sessions/:id/pack': { read: { ...REGION_WIDE, '43': [200, 200, 200, 404], '74': [200, 200, 200, 404] } },
  'POST /api/v1/carpec-sessions': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/carpec-sessions/:id/agenda': { write: 'workflow roles (ARS): route matrix' },
  'POST /api/v1/carpec-sessions/:id/opinions': { write: 'workflow roles (ARS): route matrix' },

  'GET /api/v1/audit': { read: ACCOUNT_LIST },

  'GET /api/v1/funding-rule-sets': { read: LIST },
  'POST /api/v1/funding-rule-sets': {
    regionWrite: {
      as: 'ADMIN',
      body: () => ({
        name: 'x',
        publicCeilingBps: 8000,
        funders: { REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE'], defaultRateBps: 1000, minRateBps: 0, maxRateBps: 2000, priority: 1 } },
      }),
    },
  },
  'POST /api/v1/funding-rule-sets/:id/activate': { regionWrite: { as: 'ADMIN', body: () => ({}) } },

  'GET /api/v1/envelopes': { read: LIST },
  'GET /api/v1/envelopes/:id': { read: { ...DEPT, ...REGION_WIDE } },
  'GET /api/v1/envelopes/:id/movements': { read: { ...DEPT, ...REGION_WIDE } },
  'POST /api/v1/envelopes': { regionWrite: { as: 'ADMIN', body: () => ({ funder: 'FNADT', regionCode: '84', programme: 'x', amountCents: 1 }) } },
  'POST /api/v1/envelopes/:id/adjustments': { regionWrite: { as: 'ADMIN', body: () => ({ amountCents: 1, note: 'x' }) } },
  'POST /api/v1/envelopes/:id/close': { regionWrite: { as: 'ADMIN', body: () => ({}) } },

  'GET /api/v1/reports/runs': { read: LIST },
  'GET /api/v1/reports/runs/:id': { read: REGION_WIDE },
  'GET /api/v1/reports/runs/:id/download': { read: REGION_WIDE, query: '?format=csv' },
  'POST /api/v1/reports/runs': { regionWrite: { as: 'REPORTING', body: () => ({ type: 'PIPELINE', date: '2026-01-05' }) } },

  // A partner's subscriptions are its organisation's alone: neither the region's partner nor
  // another département's reads them (the events each receives: test/webhooks).
  'GET /api/v1/webhooks': { read: LIST },
  'GET /api/v1/webhooks/:id': { read: { '43': [404, 200, 404, 404], '74': [404, 404, 200, 404] } },
  'GET /api/v1/webhooks/:id/deliveries': { read: { '43': [404, 200, 404, 404], '74': [404, 404, 200, 404] } },
  'POST /api/v1/webhooks': { write: 'webhook managers: route matrix and test/webhooks' },
  'PATCH /api/v1/webhooks/:id': { write: 'webhook managers: route matrix and test/webhooks' },
  'DELETE /api/v1/webhooks/:id': { write: 'webhook managers: route matrix and test/webhooks' },
  'POST /api/v1/webhooks/:id/rotate-secret': { write: 'webhook managers: route matrix and test/webhooks' },
  'POST /api/v1/webhooks/:id/test': { write: 'webhook managers: route matrix and test/webhooks' },
  'POST /api/v1/webhooks/:id/deliveries/:eventId/redeliver': { write: 'webhook managers: route matrix and test/webhooks' },
  // A call for applications is the region's: every partner of the region reads it; only the region's ARS writes it.
  'GET /api/v1/calls': { read: LIST },
  'GET /api/v1/calls/:id': { read: REGION_WIDE },
  'POST /api/v1/calls': {
    regionWrite: { as: 'ADMIN', body: () => ({ title: 'Appel 2027', regionCode: '84', opensOn: '2027-01-15', closesOn: '2027-04-30', procedure: 'STEP1' }) },
  },
  'PATCH /api/v1/calls/:id': { regionWrite: { as: 'ADMIN', body: () => ({ title: 'Appel 2027 (prolongé)' }) } },
  'PUT /api/v1/calls/:id/ds-token': { regionWrite: { as: 'ADMIN', body: () => ({ token: 'a-token-of-démarches-simplifiées' }) } },
  'PUT /api/v1/calls/:id/mapping': { regionWrite: { as: 'ADMIN', body: () => ({ fields: [{ champId: 'c-nom', target: 'promoter.name' }] }) } },
  // A sync writes dossiers anywhere in the call's territory: the region's ARS runs it; its runs (their refusals quote any département's dossiers) are read region-wide only.
  'POST /api/v1/calls/:id/sync': { regionWrite: { as: 'ADMIN', body: () => ({}) } },
  'GET /api/v1/calls/:id/syncs': { read: { region: [200, 403, 403, 404] } },
  'GET /api/v1/calls/:id/syncs/:syncId': { read: { region: [200, 403, 403, 404] } },
  'POST /api/v1/applications/:id/ds-changes/accept': { write: "the dossier's scope: route matrix and test/intake" },
  'POST /api/v1/applications/:id/ds-changes/dismiss': { write: "the dossier's scope: route matrix and test/intake" },
  'POST /api/v1/applications/:id/ds-messages': { write: "the dossier's scope: route matrix and test/intake" },
  // One's own digest: a partner's is empty (test/digest).
  'GET /api/v1/me/digest': { read: LIST },
  'PUT /api/v1/me/digest-preferences': { write: "the caller's own preference: test/digest" },
};

const routeKey = (method: string, url: string) => `${method} ${url}`;

/** The route's path with the real ids of the object labelled `label`. */
function fill(url: string, f: Fixtures, label: Label): string {
  const side = label === '43' || label === '74' ? f[label] : null;
  const resource = url.split('/')[3];
  const ids: Record<string, string | undefined> = {
    organizations: f.region.organizationId,
    users: f.region.userId,
    'api-keys': f.region.apiKeyId,
    promoters: side?.promoterId,
    projects: side?.projectId,
    applications: side?.applicationId,
    'carpec-sessions': side?.sessionId ?? f.region.sessionId,
    envelopes: side?.envelopeId ?? f.region.envelopeId,
    reports: f.region.reportRunId,
    'funding-rule-sets': f.region.ruleSetId,
    webhooks: side?.webhookId,
    calls: f.region.callId,
  };
  const byParam: Record<string, string | undefined> = {
    ':id': ids[resource],
    ':inseeCode': side?.inseeCode ?? f['43'].inseeCode,
    ':siren': side?.epciSiren,
    ':funder': 'REGION',
    ':year': '2025',
    ':code': 'diagnostic-territorial',
    ':docId': side?.documentId,
    ':syncId': f.region.syncId,
  };
  return url.replace(/:(\w+)/g, (m) => {
    const v = byParam[m];
    if (!v) throw new Error(`no fixture id for ${m} of ${url} (${label})`);
    return v;
  });
}

describe('scope matrix (région × département)', () => {
  let t: TestApp;
  let f: Fixtures;
  let routes: { method: string; url: string }[];
  const headers = {} as Record<Caller, Record<string, string>>;
  let departmentAdmin: Record<string, string>;
  let departmentKey: Record<string, string>;

  async function side(admin: Actor, instructor: Actor, dep: '43' | '74', inseeCode: string, siren: string, regionSession: string): Promise<Side> {
    const secret = `confidential-${dep}-${randomUUID().slice(0, 8)}`;
    const epci = await t.prisma.epci.create({ data: { siren, name: `CC ${dep}`, type: 'CC', population: 17000, memberCount: 10, largestMemberPopulation: 6600 } });
    const commune = await makeCommune(t, { inseeCode, departmentCode: dep, name: `Commune ${secret}` });
    await t.prisma.commune.update({ where: { inseeCode }, data: { epciSiren: epci.siren } });
    const promoter = await makePromoter(t, commune.inseeCode, { name: `Promoteur ${secret}` });
    const project = await makeProject(t, promoter.id, commune.inseeCode, { name: `MSP ${secret}` });
    const I = { Authorization: instructor.auth };
    const applicationId = (await t.http().post('/api/v1/applications').set(I).send({ projectId: project.id }).expect(201)).body.id;
    await t
      .http()
      .put(`/api/v1/applications/${applicationId}/expenses`)
      .set(I)
      .send([
        { category: 'IMMOBILIER', label: `Travaux ${secret}`, amountCents: 10_000_000 },
        { category: 'EQUIPEMENT', label: 'Matériel', amountCents: 1_000_000 },
      ])
      .expect(200);
    await t.http().post(`/api/v1/applications/${applicationId}/funding-plan/compute`).set(I).send({}).expect(200);
    const documentId = (await upload(t, applicationId, instructor, 'REQUEST', samplePdf(`Demande ${secret}`), `demande-${secret}.pdf`, `Demande ${secret}`).expect(201)).body.id;
    await t
      .http()
      .post(`/api/v1/applications/${applicationId}/notes`)
      .set(I)
      .send({ text: `Note ${secret}` })
      .expect(201);
    // A séance of its own (only this dossier), and an item on the region's shared séance, with
    // an opinion whose reservations are confidential.
    const own = (
      await t
        .http()
        .post('/api/v1/carpec-sessions')
        .set(I)
        .send({ sessionDate: '2025-03-01', title: `CARPEC ${dep}` })
        .expect(201)
    ).body.id;
    for (const sessionId of [own, regionSession]) {
      const item = await t.prisma.carpecAgendaItem.create({ data: { sessionId, applicationId, purpose: 'OPINION' } });
      await t.prisma.carpecOpinion.create({ data: { sessionId, applicationId, agendaItemId: item.id, outcome: 'FAVORABLE_WITH_RESERVATIONS', reservations: secret } });
    }
    const envelopeId = (await envelope(t, admin, 'DETR', 1_000_000, dep)).id;
    await t.prisma.envelopeMovement.create({ data: { envelopeId, kind: 'COMMITMENT', amountCents: 1000n, applicationId, note: secret } });
    await t.prisma.envelopeMovement.create({ data: { envelopeId, kind: 'ADJUSTMENT', amountCents: 10n, note: secret } });
    return { inseeCode, epciSiren: siren, promoterId: promoter.id, projectId: project.id, applicationId, documentId, sessionId: own, envelopeId, webhookId: '', secret };
  }

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    routes = registeredRoutes(t.app).filter((r) => r.method !== 'OPTIONS');
    const admin = await actor(t, 'ADMIN');
    const instructor = await actor(t, 'INSTRUCTOR');
    const ruleSetId = (await activeRuleSet(t, admin)).id;
    const regionSession = (
      await t.http().post('/api/v1/carpec-sessions').set('Authorization', instructor.auth).send({ sessionDate: '2025-02-01', title: 'CARPEC régionale' }).expect(201)
    ).body.id;
    const regionEnvelope = (await envelope(t, admin, 'REGION', 10_000_000)).id;
    const s43 = await side(admin, instructor, '43', '43040', '200073419', regionSession);
    const s74 = await side(admin, instructor, '74', '74010', '200000172', regionSession);
    for (const s of [s43, s74]) {
      await t.prisma.envelopeMovement.create({ data: { envelopeId: regionEnvelope, kind: 'COMMITMENT', amountCents: 500n, applicationId: s.applicationId, note: s.secret } });
    }
    await t.prisma.envelopeMovement.create({ data: { envelopeId: regionEnvelope, kind: 'ADJUSTMENT', amountCents: 5n, note: 'region-only adjustment' } });
    const run = await t.prisma.reportRun.create({
      data: {
        regionCode: '84',
        type: 'DEADLINES',
        date: new Date('2026-01-05'),
        status: 'SUCCEEDED',
        rowCount: 2,
        rows: {
          create: [s43, s74].map((s, i) => ({
            position: i + 1,
            departmentCode: s === s43 ? '43' : '74',
            data: { departmentCode: s === s43 ? '43' : '74', applicationId: s.applicationId, projectName: `MSP ${s.secret}`, reason: 'DORMANT' },
          })),
        },
      },
    });
    const key = await t.http().post('/api/v1/api-keys').set('Authorization', admin.auth).send({ name: 'k', role: 'REPORTING', organizationId: admin.organizationId }).expect(201);
    f = {
      '43': s43,
      '74': s74,
      region: {
        sessionId: regionSession,
        envelopeId: regionEnvelope,
        reportRunId: run.id,
        ruleSetId,
        organizationId: admin.organizationId,
        userId: admin.userId,
        apiKeyId: key.body.id,
        callId: await makeCall(t, admin, { ds: { demarcheNumber: 4242 } }),
        syncId: '',
      },
    };
    f.region.syncId = (await t.prisma.dsSync.create({ data: { callId: f.region.callId, trigger: 'MANUAL', status: 'SUCCEEDED' } })).id;
    headers.regionPartner = { Authorization: (await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] })).auth };
    const p43 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] });
    headers.partner43 = { Authorization: p43.auth };
    const p74 = await actor(t, 'PARTNER', { type: 'CONSEIL_DEPARTEMENTAL', departmentCode: '74', funders: ['DEPARTEMENT'] });
    headers.partner74 = { Authorization: p74.auth };
    headers.otherRegionAdmin = { Authorization: (await actor(t, 'ADMIN', { regionCode: '53' })).auth };
    for (const [dep, partner] of [
      ['43', p43],
      ['74', p74],
    ] as const) {
      const hook = { url: `https://hooks-${dep}.example.invalid/msp`, events: ['application.status_changed'], description: `Webhook ${f[dep].secret}` };
      f[dep].webhookId = (await t.http().post('/api/v1/webhooks').set('Authorization', partner.auth).send(hook).expect(201)).body.id;
      await t.http().post(`/api/v1/webhooks/${f[dep].webhookId}/test`).set('Authorization', partner.auth).expect(202);
    }
    // The region-wide writes, by a département's callers: an ADMIN (only through the database:
    // the API gives a département's organisation no ARS role) and a REPORTING key (through the API).
    const user = await makeUser(t, 'ADMIN', p43.organizationId);
    const login = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    departmentAdmin = { Authorization: `Bearer ${login.body.accessToken}` };
    const depKey = await t
      .http()
      .post('/api/v1/api-keys')
      .set('Authorization', admin.auth)
      .send({ name: 'préfecture 43', role: 'REPORTING', organizationId: p43.organizationId })
      .expect(201);
    departmentKey = { 'X-API-Key': depKey.body.key };
  }, 120_000);
  afterAll(() => t.close());

  it('has an entry for every registered route, and no entry for a route that does not exist', () => {
    const registered = new Set(routes.map((r) => routeKey(r.method, r.url)));
    const missing = [...registered].filter((k) => !SCOPE[k]);
    const stale = Object.keys(SCOPE).filter((k) => !registered.has(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    // Every read route of the API is in the matrix as a read (none hides among the writes).
    const readsAsWrites = routes.filter((r) => r.method === 'GET' && r.url.startsWith('/api/v1/') && !('read' in SCOPE[routeKey(r.method, r.url)]));
    expect(readsAsWrites).toEqual([]);
    // A read route with a path parameter is tried on an object of each département or on the region's.
    for (const [k, e] of Object.entries(SCOPE)) {
      if ('read' in e && k.includes('/:')) expect({ k, labels: Object.keys(e.read).filter((l) => l !== 'list').length > 0 }).toEqual({ k, labels: true });
    }
  });

  it('answers every (read route, caller, object) as the table says, and leaks nothing of the other département', async () => {
    const failures: string[] = [];
    let cases = 0;
    const covered = new Set<string>();
    const others: Record<Caller, Side[]> = { regionPartner: [], partner43: [f['74']], partner74: [f['43']], otherRegionAdmin: [f['43'], f['74']] };
    for (const { method, url } of routes) {
      const entry = SCOPE[routeKey(method, url)];
      if (!entry || !('read' in entry)) continue;
      covered.add(routeKey(method, url));
      for (const [label, row] of Object.entries(entry.read) as [Label, Row][]) {
        if (label === 'list' && url.includes('/:')) throw new Error(`${url}: a list entry on a route with an id`);
        if (label !== 'list' && !url.includes('/:')) throw new Error(`${url}: an object entry on a route without an id`);
        const path = (label === 'list' ? url : fill(url, f, label)) + (entry.query ?? '');
        for (const [i, caller] of CALLERS.entries()) {
          cases++;
          const req = t
            .http()
            .get(label === 'list' ? `${path}?limit=200` : path)
            .set(headers[caller]);
          // A pièce's bytes (PDF) are read as bytes, and searched for the other side's text too.
          const res = url.endsWith('/content') || url.endsWith('/pack') ? await req.buffer(true).parse(bytes) : await req;
          const where = `GET ${path} [${label}] as ${caller}`;
          if (res.status !== row[i]) {
            failures.push(`${where}: expected ${row[i]}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
            continue;
          }
          if (res.status !== 200) continue;
          const text = Buffer.isBuffer(res.body) ? res.body.toString('latin1') : res.text;
          for (const o of others[caller]) {
            // (A séance itself is the region's: its date and title are listed to every partner.)
            const leaked = [o.applicationId, o.projectId, o.promoterId, o.envelopeId, o.secret].filter((v) => text.includes(v));
            if (leaked.length) failures.push(`${where}: leaks ${leaked.join(', ')}`);
          }
        }
      }
    }
    const registered = routes.length;
    const reads = routes.filter((r) => r.method === 'GET' && r.url.startsWith('/api/v1/')).length;
    console.info(`scope matrix: ${cases} read cases over ${covered.size} read routes (of ${reads} API read routes, ${registered} registered routes)`);
    expect(covered.size).toBe(reads);
    expect(failures).toEqual([]);
  }, 120_000);

  it("refuses every region-wide write to a département's caller (403 region-wide-write), nothing written", async () => {
    const failures: string[] = [];
    let cases = 0;
    // (An API key's use is recorded once a minute: not a write of the route.)
    const writes = () => t.prisma.auditLog.count({ where: { action: { not: 'api_key.use' } } });
    const auditBefore = await writes();
    for (const { method, url } of routes) {
      const entry = SCOPE[routeKey(method, url)];
      if (!entry || !('regionWrite' in entry)) continue;
      const { as, body, csv } = entry.regionWrite;
      let req = t
        .http()
        [method.toLowerCase() as 'post'](fill(url, f, 'region'))
        .set(as === 'ADMIN' ? departmentAdmin : departmentKey);
      if (csv) req = req.set('Content-Type', 'text/csv');
      const res = await req.send((csv ?? body?.(f)) as object);
      cases++;
      if (res.status !== 403 || res.body.rule !== 'region-wide-write' || res.body.departmentCode !== '43') {
        failures.push(`${method} ${url} as a ${as} of département 43: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      } else {
        expectProblem(res, 403);
      }
    }
    console.info(`scope matrix: ${cases} region-wide write cases`);
    expect(cases).toBe(Object.values(SCOPE).filter((e) => 'regionWrite' in e).length);
    expect(failures).toEqual([]);
    expect(await writes()).toBe(auditBefore);
    expect((await t.prisma.commune.findUniqueOrThrow({ where: { inseeCode: '43040' } })).zone).toBe('ZIP');
  });
});
