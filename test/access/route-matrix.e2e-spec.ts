// The role × route matrix: every route the application registers is checked against this
// table, for an anonymous caller, every role, and a caller of another region. A route added
// without an entry here fails the first test: access rules cannot drift as the service grows.
import { randomUUID } from 'node:crypto';
import { registeredRoutes } from '../../src/app.factory.js';
import type { Role } from '../../src/generated/prisma/enums.js';
import { upload } from '../helpers/documents.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { actor, makeCommune, makeProject, makePromoter, makeCall } from '../helpers/factories.js';
import { activeRuleSet, envelope } from '../helpers/funding.js';

type Caller = Role | 'ANONYMOUS';
const ROLES: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER', 'AUDITOR', 'REPORTING'];

interface Entry {
  /** Public routes answer without authentication. */
  public?: true;
  /** Public, but admitted by a credential of its own (the console's session cookie): 401 to anyone without it. */
  cookie?: true;
  roles?: Role[];
  /**
   * What an admitted caller of region 53 gets on region 84's fixture (path parameters are
   * the fixture's ids; the body is valid): 404 for what it cannot see, 403 for what it may not
   * create there. Absent for lists (they answer the caller's own rows, tested elsewhere).
   */
  otherRegion?: { status: 403 | 404; body?: (f: Fixtures) => unknown };
}

interface Fixtures {
  inseeCode: string;
  promoterId: string;
  projectId: string;
  organizationId: string;
  userId: string;
  apiKeyId: string;
  applicationId: string;
  documentId: string;
  sessionId: string;
  epciSiren: string;
  ruleSetId: string;
  envelopeId: string;
  reportRunId: string;
  webhookId: string;
  eventId: string;
  callId: string;
  syncId: string;
}

const STAFF: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER', 'AUDITOR'];
const INSTRUCTING: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR'];
const ADMIN: Role[] = ['ADMIN'];
const ACCOUNT_READERS: Role[] = ['ADMIN', 'AUDITOR'];
const WORKFLOW: Role[] = ['INSTRUCTOR', 'DIRECTOR'];
const DIRECTOR: Role[] = ['DIRECTOR'];
const WEBHOOK_MANAGERS: Role[] = ['ADMIN', 'PARTNER'];

const MATRIX: Record<string, Entry> = {
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
  // The console's page and assets (its data comes from the API routes below).
  'GET /': { public: true },
  'GET /assets/*': { public: true },
  'POST /api/v1/auth/session': { public: true },
  'POST /api/v1/auth/session/refresh': { public: true, cookie: true },
  'DELETE /api/v1/auth/session': { public: true },
  'GET /api/v1/dashboard': { roles: STAFF },
  'POST /api/v1/auth/login': { public: true },
  'POST /api/v1/auth/refresh': { public: true },
  'POST /api/v1/auth/logout': { public: true },
  'GET /api/v1/me': { roles: ROLES },
  // A digest is a person's: API keys (the REPORTING caller here) are refused by the route's role list.
  'GET /api/v1/me/digest': { roles: STAFF },
  'PUT /api/v1/me/digest-preferences': { roles: STAFF },

  'POST /api/v1/organizations': {
    roles: ADMIN,
    otherRegion: { status: 403, body: () => ({ name: 'Région AURA', type: 'REGION', regionCode: '84', funders: ['REGION'] }) },
  },
  'GET /api/v1/organizations': { roles: ACCOUNT_READERS },
  'GET /api/v1/organizations/:id': { roles: ACCOUNT_READERS, otherRegion: { status: 404 } },
  'PATCH /api/v1/organizations/:id': { roles: ADMIN, otherRegion: { status: 404, body: () => ({ name: 'Renamed' }) } },

  'POST /api/v1/users': {
    roles: ADMIN,
    otherRegion: {
      status: 404,
      body: (f) => ({ email: `x-${randomUUID()}@test.local`, password: 'a long enough password', role: 'INSTRUCTOR', organizationId: f.organizationId }),
    },
  },
  'GET /api/v1/users': { roles: ACCOUNT_READERS },
  'GET /api/v1/users/:id': { roles: ACCOUNT_READERS, otherRegion: { status: 404 } },
  'PATCH /api/v1/users/:id': { roles: ADMIN, otherRegion: { status: 404, body: () => ({ active: false }) } },

  'POST /api/v1/api-keys': {
    roles: ADMIN,
    otherRegion: { status: 404, body: (f) => ({ name: 'k', role: 'REPORTING', organizationId: f.organizationId }) },
  },
  'GET /api/v1/api-keys': { roles: ACCOUNT_READERS },
  'DELETE /api/v1/api-keys/:id': { roles: ADMIN, otherRegion: { status: 404 } },

  'POST /api/v1/communes': {
    roles: ADMIN,
    otherRegion: {
      status: 403,
      body: () => ({ inseeCode: '43199', name: 'X', departmentCode: '43', regionCode: '84', population: 1, zone: 'ZIP', qpv: false, island: false, rural: true }),
    },
  },
  'POST /api/v1/communes/import': { roles: ADMIN },
  'POST /api/v1/communes/zoning/import': { roles: ADMIN },
  'POST /api/v1/communes/load-official': { roles: ADMIN, otherRegion: { status: 403, body: () => ({ regionCode: '84' }) } },
  'GET /api/v1/epcis': { roles: STAFF },
  'GET /api/v1/epcis/:siren': { roles: STAFF, otherRegion: { status: 404 } },
  'GET /api/v1/communes': { roles: STAFF },
  'GET /api/v1/communes/:inseeCode': { roles: STAFF, otherRegion: { status: 404 } },
  'PATCH /api/v1/communes/:inseeCode': { roles: ADMIN, otherRegion: { status: 404, body: () => ({ zone: 'ZAC' }) } },

  'POST /api/v1/promoters': {
    roles: INSTRUCTING,
    // The commune named is region 84's: for region 53 it does not exist (400 naming the field).
  },
  'GET /api/v1/promoters': { roles: STAFF },
  'GET /api/v1/promoters/:id': { roles: STAFF, otherRegion: { status: 404 } },
  'PATCH /api/v1/promoters/:id': { roles: INSTRUCTING, otherRegion: { status: 404, body: () => ({ name: 'Renamed' }) } },

  'POST /api/v1/projects': { roles: INSTRUCTING },

  'POST /api/v1/applications': { roles: WORKFLOW },
  'GET /api/v1/applications': { roles: STAFF },
  'GET /api/v1/applications/:id': { roles: STAFF, otherRegion: { status: 404 } },
  'PATCH /api/v1/applications/:id': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({ assigneeId: null }) } },
  'GET /api/v1/applications/:id/events': { roles: STAFF, otherRegion: { status: 404 } },
  'POST /api/v1/applications/:id/documents': { roles: WORKFLOW, otherRegion: { status: 404 } },
  'GET /api/v1/applications/:id/documents': { roles: STAFF, otherRegion: { status: 404 } },
  'GET /api/v1/applications/:id/documents/:docId': { roles: STAFF, otherRegion: { status: 404 } },
  'GET /api/v1/applications/:id/documents/:docId/content': { roles: STAFF, otherRegion: { status: 404 } },
  'POST /api/v1/applications/:id/documents/:docId/versions': { roles: WORKFLOW, otherRegion: { status: 404 } },
  'POST /api/v1/applications/:id/documents/:docId/withdraw': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({ reason: 'Déposée par erreur' }) } },
  // Partners are admitted, and answered 404 (notes.service.ts): the route-level role check cannot say it.
  'POST /api/v1/applications/:id/notes': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({ text: 'Relancer le promoteur' }) } },
  'GET /api/v1/applications/:id/notes': { roles: STAFF, otherRegion: { status: 404 } },
  'POST /api/v1/applications/:id/site-meeting': {
    roles: WORKFLOW,
    otherRegion: { status: 404, body: () => ({ heldOn: '2026-01-05', participants: 'x', findings: 'y' }) },
  },
  'POST /api/v1/applications/:id/submit': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({}) } },
  'POST /api/v1/applications/:id/decision': { roles: DIRECTOR, otherRegion: { status: 404, body: () => ({ outcome: 'APPROVED', decidedOn: '2026-01-05' }) } },
  'POST /api/v1/applications/:id/deliverables': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({ receivedOn: '2026-01-05' }) } },
  'POST /api/v1/applications/:id/receipt': {
    roles: DIRECTOR,
    otherRegion: { status: 404, body: () => ({ issuedOn: '2026-01-05', finessEj: '430000123', finessEt: '430000131' }) },
  },
  'POST /api/v1/applications/:id/complete': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({ summary: 'x' }) } },
  'POST /api/v1/applications/:id/withdraw': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({ reason: 'x' }) } },
  'POST /api/v1/applications/:id/close': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({ reason: 'x' }) } },
  'POST /api/v1/applications/:id/audit-plan': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({ deliveredOn: '2026-01-05', summary: 'x' }) } },
  'POST /api/v1/applications/:id/attestations': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({ code: 'diagnostic-territorial' }) } },
  'DELETE /api/v1/applications/:id/attestations/:code': { roles: WORKFLOW, otherRegion: { status: 404 } },

  'POST /api/v1/carpec-sessions': { roles: WORKFLOW },
  'GET /api/v1/carpec-sessions': { roles: STAFF },
  'GET /api/v1/carpec-sessions/:id': { roles: STAFF, otherRegion: { status: 404 } },
  'GET /api/v1/carpec-sessions/:id/pack': { roles: STAFF, otherRegion: { status: 404 } },
  'POST /api/v1/carpec-sessions/:id/agenda': {
    roles: WORKFLOW,
    otherRegion: { status: 404, body: (f) => ({ applicationId: f.applicationId, purpose: 'OPINION' }) },
  },
  'POST /api/v1/carpec-sessions/:id/opinions': {
    roles: WORKFLOW,
    otherRegion: { status: 404, body: (f) => ({ applicationId: f.applicationId, outcome: 'FAVORABLE' }) },
  },

  'GET /api/v1/audit': { roles: ACCOUNT_READERS },

  'POST /api/v1/funding-rule-sets': { roles: ADMIN },
  'GET /api/v1/funding-rule-sets': { roles: STAFF },
  'POST /api/v1/funding-rule-sets/:id/activate': { roles: ADMIN, otherRegion: { status: 404 } },
  'GET /api/v1/applications/:id/expenses': { roles: STAFF, otherRegion: { status: 404 } },
  'PUT /api/v1/applications/:id/expenses': {
    roles: WORKFLOW,
    otherRegion: { status: 404, body: () => [{ category: 'IMMOBILIER', label: 'x', amountCents: 1 }] },
  },
  'POST /api/v1/applications/:id/funding-plan/compute': { roles: WORKFLOW, otherRegion: { status: 404, body: () => ({}) } },
  'GET /api/v1/applications/:id/funding-plan': { roles: STAFF, otherRegion: { status: 404 } },
  'POST /api/v1/applications/:id/funding-plan/commit': { roles: DIRECTOR, otherRegion: { status: 404, body: () => ({}) } },
  'PUT /api/v1/applications/:id/funding-plan/lines/:funder': { roles: ['PARTNER'], otherRegion: { status: 404, body: () => ({ committedCents: 1 }) } },
  'POST /api/v1/applications/:id/funding-plan/lines/:funder/payments': {
    roles: ['PARTNER'],
    otherRegion: { status: 404, body: () => ({ kind: 'ADVANCE', amountCents: 1, paidOn: '2026-01-05' }) },
  },
  'POST /api/v1/funding/simulate': { roles: ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER'] },
  // Only a préfecture de département granting DETR may: any other partner gets 403 (tested in test/funding/fidelity).
  'GET /api/v1/applications/:id/detr-confirmation': { roles: STAFF, otherRegion: { status: 404 } },
  'POST /api/v1/applications/:id/detr-confirmation': { roles: ['PARTNER'] },

  'POST /api/v1/envelopes': { roles: ADMIN, otherRegion: { status: 403, body: () => ({ funder: 'REGION', regionCode: '84', programme: 'x', amountCents: 1 }) } },
  'GET /api/v1/envelopes': { roles: STAFF },
  'POST /api/v1/reports/runs': { roles: ['ADMIN', 'DIRECTOR', 'REPORTING'] },
  'GET /api/v1/reports/runs': { roles: [...STAFF, 'REPORTING'] },
  'GET /api/v1/reports/runs/:id': { roles: [...STAFF, 'REPORTING'], otherRegion: { status: 404 } },
  'GET /api/v1/reports/runs/:id/download': { roles: [...STAFF, 'REPORTING'] },
  'GET /api/v1/envelopes/:id': { roles: STAFF, otherRegion: { status: 404 } },
  'GET /api/v1/envelopes/:id/movements': { roles: STAFF, otherRegion: { status: 404 } },
  'POST /api/v1/envelopes/:id/adjustments': { roles: ADMIN, otherRegion: { status: 404, body: () => ({ amountCents: 1, note: 'x' }) } },
  'POST /api/v1/envelopes/:id/close': { roles: ADMIN, otherRegion: { status: 404 } },
  'GET /api/v1/projects': { roles: STAFF },
  'GET /api/v1/projects/:id': { roles: STAFF, otherRegion: { status: 404 } },
  'PATCH /api/v1/projects/:id': { roles: INSTRUCTING, otherRegion: { status: 404, body: () => ({ name: 'Renamed' }) } },
  'PUT /api/v1/projects/:id/follow-up/:year': {
    roles: INSTRUCTING,
    otherRegion: { status: 404, body: () => ({ installations: 1, studentTrainees: 0, departuresReplaced: 0 }) },
  },

  'POST /api/v1/calls': {
    roles: INSTRUCTING,
    otherRegion: { status: 403, body: () => ({ title: 'Appel 2027', regionCode: '84', opensOn: '2027-01-15', closesOn: '2027-04-30', procedure: 'STEP1' }) },
  },
  'GET /api/v1/calls': { roles: STAFF },
  'GET /api/v1/calls/:id': { roles: STAFF, otherRegion: { status: 404 } },
  'PATCH /api/v1/calls/:id': { roles: INSTRUCTING, otherRegion: { status: 404, body: () => ({ title: 'Renamed' }) } },
  'PUT /api/v1/calls/:id/ds-token': { roles: INSTRUCTING, otherRegion: { status: 404, body: () => ({ token: 'a-token-of-démarches-simplifiées' }) } },
  'PUT /api/v1/calls/:id/mapping': { roles: INSTRUCTING, otherRegion: { status: 404, body: () => ({ fields: [{ champId: 'c-nom', target: 'promoter.name' }] }) } },
  'POST /api/v1/calls/:id/sync': { roles: INSTRUCTING, otherRegion: { status: 404, body: () => ({}) } },
  'GET /api/v1/calls/:id/syncs': { roles: STAFF, otherRegion: { status: 404 } },
  'GET /api/v1/calls/:id/syncs/:syncId': { roles: STAFF, otherRegion: { status: 404 } },
  'POST /api/v1/applications/:id/ds-changes/accept': { roles: INSTRUCTING, otherRegion: { status: 404, body: () => ({}) } },
  'POST /api/v1/applications/:id/ds-changes/dismiss': { roles: INSTRUCTING, otherRegion: { status: 404, body: () => ({}) } },
  'POST /api/v1/applications/:id/ds-messages': { roles: INSTRUCTING, otherRegion: { status: 404, body: () => ({ body: 'Bonjour' }) } },

  'POST /api/v1/webhooks': { roles: WEBHOOK_MANAGERS },
  'GET /api/v1/webhooks': { roles: WEBHOOK_MANAGERS },
  'GET /api/v1/webhooks/:id': { roles: WEBHOOK_MANAGERS, otherRegion: { status: 404 } },
  'PATCH /api/v1/webhooks/:id': { roles: WEBHOOK_MANAGERS, otherRegion: { status: 404, body: () => ({ description: 'x' }) } },
  'DELETE /api/v1/webhooks/:id': { roles: WEBHOOK_MANAGERS, otherRegion: { status: 404 } },
  'POST /api/v1/webhooks/:id/rotate-secret': { roles: WEBHOOK_MANAGERS, otherRegion: { status: 404, body: () => ({}) } },
  'POST /api/v1/webhooks/:id/test': { roles: WEBHOOK_MANAGERS, otherRegion: { status: 404, body: () => ({}) } },
  'GET /api/v1/webhooks/:id/deliveries': { roles: WEBHOOK_MANAGERS, otherRegion: { status: 404 } },
  'POST /api/v1/webhooks/:id/deliveries/:eventId/redeliver': { roles: WEBHOOK_MANAGERS, otherRegion: { status: 404, body: () => ({}) } },
};

const routeKey = (method: string, url: string) => `${method} ${url}`;

/** Path parameters: a well-formed id of nothing (role checks), or the fixture's (other region). */
function fill(url: string, f: Fixtures | null): string {
  const byParam: Record<string, string> = f
    ? {
        ':inseeCode': f.inseeCode,
        ':siren': f.epciSiren,
        ':funder': 'REGION',
        ':year': '2025',
        ':code': 'diagnostic-territorial',
        ':docId': f.documentId,
        ':eventId': f.eventId,
        ':syncId': f.syncId,
        ':id': '',
      }
    : {
        ':inseeCode': '43998',
        ':siren': '200000999',
        ':funder': 'REGION',
        ':year': '2025',
        ':id': randomUUID(),
        ':docId': randomUUID(),
        ':eventId': randomUUID(),
        ':syncId': randomUUID(),
      };
  if (f) {
    const resource = url.split('/')[3];
    // Every resource gets its real fixture id: an empty one would answer 404 from the router,
    // not from the scope, and prove nothing.
    const id = {
      organizations: f.organizationId,
      users: f.userId,
      'api-keys': f.apiKeyId,
      promoters: f.promoterId,
      projects: f.projectId,
      applications: f.applicationId,
      'carpec-sessions': f.sessionId,
      envelopes: f.envelopeId,
      reports: f.reportRunId,
      'funding-rule-sets': f.ruleSetId,
      webhooks: f.webhookId,
      calls: f.callId,
    }[resource];
    if (!id && url.includes('/:id')) throw new Error(`no fixture id for ${url}`);
    byParam[':id'] = id ?? '';
  }
  return url.replace('/*', '/index.html').replace(/:(\w+)/g, (m) => byParam[m] ?? m);
}

describe('role × route access matrix', () => {
  let t: TestApp;
  const tokens = new Map<Caller, Record<string, string>>();
  let otherRegionAdmin: Record<string, string>;
  let otherRegion: Record<Role, Record<string, string>>;
  let fixtures: Fixtures;
  let routes: { method: string; url: string }[];

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    routes = registeredRoutes(t.app).filter((r) => r.method !== 'OPTIONS');
    tokens.set('ANONYMOUS', {});
    const admin = await actor(t, 'ADMIN');
    for (const role of ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'AUDITOR'] as Role[]) {
      tokens.set(role, { Authorization: role === 'ADMIN' ? admin.auth : (await actor(t, role)).auth });
    }
    tokens.set('PARTNER', { Authorization: (await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] })).auth });
    const key = await t
      .http()
      .post('/api/v1/api-keys')
      .set('Authorization', admin.auth)
      .send({ name: 'nightly', role: 'REPORTING', organizationId: admin.organizationId })
      .expect(201);
    tokens.set('REPORTING', { 'X-API-Key': key.body.key });

    const epci = await t.prisma.epci.create({
      data: { siren: '200073419', name: 'CC Brioude Sud Auvergne', type: 'CC', population: 17000, memberCount: 47, largestMemberPopulation: 6600 },
    });
    const commune = await makeCommune(t, { inseeCode: '43040', regionCode: '84' });
    await t.prisma.commune.update({ where: { inseeCode: '43040' }, data: { epciSiren: epci.siren } });
    const promoter = await makePromoter(t, commune.inseeCode);
    const project = await makeProject(t, promoter.id, commune.inseeCode);
    const instructor84 = await actor(t, 'INSTRUCTOR');
    const dossier = await t.http().post('/api/v1/applications').set('Authorization', instructor84.auth).send({ projectId: project.id }).expect(201);
    const session = await t.http().post('/api/v1/carpec-sessions').set('Authorization', instructor84.auth).send({ sessionDate: '2026-01-05', title: 'CARPEC' }).expect(201);
    fixtures = {
      inseeCode: commune.inseeCode,
      promoterId: promoter.id,
      projectId: project.id,
      organizationId: admin.organizationId,
      userId: admin.userId,
      apiKeyId: key.body.id,
      applicationId: dossier.body.id,
      documentId: (await upload(t, dossier.body.id, instructor84, 'REQUEST').expect(201)).body.id,
      sessionId: session.body.id,
      epciSiren: epci.siren,
      ruleSetId: (await activeRuleSet(t, admin)).id,
      envelopeId: (await envelope(t, admin, 'REGION', 1_000_000)).id,
      reportRunId: (await t.prisma.reportRun.create({ data: { regionCode: '84', type: 'PIPELINE', date: new Date('2026-01-05') } })).id,
      webhookId: '',
      eventId: '',
      callId: await makeCall(t, admin, { ds: { demarcheNumber: 4242 } }),
      syncId: '',
    };
    fixtures.syncId = (await t.prisma.dsSync.create({ data: { callId: fixtures.callId, trigger: 'MANUAL', status: 'SUCCEEDED' } })).id;
    const webhook = await t
      .http()
      .post('/api/v1/webhooks')
      .set('Authorization', admin.auth)
      .send({ url: 'https://hooks.example.invalid/msp', events: ['payment.recorded'] })
      .expect(201);
    fixtures.webhookId = webhook.body.id;
    fixtures.eventId = (await t.http().post(`/api/v1/webhooks/${webhook.body.id}/test`).set('Authorization', admin.auth).expect(202)).body.eventId;
    const other53 = await actor(t, 'ADMIN', { regionCode: '53' });
    otherRegionAdmin = { Authorization: other53.auth };
    otherRegion = { ADMIN: otherRegionAdmin } as Record<Role, Record<string, string>>;
    for (const role of ['INSTRUCTOR', 'DIRECTOR', 'AUDITOR'] as Role[]) {
      otherRegion[role] = { Authorization: (await actor(t, role, { regionCode: '53' })).auth };
    }
    otherRegion.PARTNER = { Authorization: (await actor(t, 'PARTNER', { type: 'REGION', regionCode: '53', funders: ['REGION'] })).auth };
  });
  afterAll(() => t.close());

  it('has an entry for every registered route, and no entry for a route that does not exist', () => {
    const registered = new Set(routes.map((r) => routeKey(r.method, r.url)));
    const missing = [...registered].filter((k) => !MATRIX[k]);
    const stale = Object.keys(MATRIX).filter((k) => !registered.has(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('answers every (route, caller) pair as the table says', async () => {
    const failures: string[] = [];
    let cases = 0;
    for (const { method, url } of routes) {
      const entry = MATRIX[routeKey(method, url)];
      if (!entry) continue;
      for (const [caller, headers] of tokens) {
        const res = await t
          .http()
          [method.toLowerCase() as 'get'](fill(url, null))
          .set(headers)
          .send(method === 'GET' || method === 'DELETE' ? undefined : {});
        cases++;
        const admitted = entry.public || (caller !== 'ANONYMOUS' && entry.roles!.includes(caller));
        const expected = entry.cookie ? 401 : admitted ? 'not 401/403' : caller === 'ANONYMOUS' ? 401 : 403;
        const ok = entry.cookie ? res.status === 401 : admitted ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === expected;
        if (!ok) failures.push(`${method} ${url} as ${caller}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
      }
    }
    // Reported for the closing note: routes × callers.
    console.info(`access matrix: ${routes.length} routes × ${tokens.size} callers = ${cases} cases`);
    expect(failures).toEqual([]);
    // 600-odd requests one after the other: on a loaded 2-core machine, more than jest's default 30 s.
  }, 120_000);

  it('hides region 84 from every admitted role of region 53', async () => {
    const failures: string[] = [];
    let cases = 0;
    for (const { method, url } of routes) {
      const entry = MATRIX[routeKey(method, url)];
      if (!entry?.otherRegion) continue;
      for (const role of entry.roles!.filter((r) => r !== 'REPORTING')) {
        const res = await t
          .http()
          [method.toLowerCase() as 'get'](fill(url, fixtures))
          .set(otherRegion[role])
          .send(entry.otherRegion.body?.(fixtures) as object);
        cases++;
        if (res.status !== entry.otherRegion.status) {
          failures.push(`${method} ${url} as ${role} of region 53: expected ${entry.otherRegion.status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
        }
      }
    }
    console.info(`other-region cases: ${cases}`);
    expect(cases).toBeGreaterThan(15);
    expect(failures).toEqual([]);
    // And nothing of region 84 was changed by those attempts.
    expect((await t.prisma.commune.findUniqueOrThrow({ where: { inseeCode: fixtures.inseeCode } })).zone).toBe('ZIP');
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: fixtures.userId } })).active).toBe(true);
    expect((await t.prisma.apiKey.findUniqueOrThrow({ where: { id: fixtures.apiKeyId } })).revokedAt).toBeNull();
    // Version 2: the fixture's one pièce; nothing of region 53 added, replaced, withdrew or noted.
    expect((await t.prisma.application.findUniqueOrThrow({ where: { id: fixtures.applicationId } })).version).toBe(2);
    expect(await t.prisma.applicationDocument.findMany({ select: { id: true, withdrawnAt: true, supersededAt: true } })).toEqual([
      { id: fixtures.documentId, withdrawnAt: null, supersededAt: null },
    ]);
    expect(await t.prisma.applicationNote.count()).toBe(0);
    expect(await t.prisma.envelope.findUniqueOrThrow({ where: { id: fixtures.envelopeId } })).toMatchObject({ status: 'OPEN' });
    expect(await t.prisma.envelopeMovement.count()).toBe(0);
    expect(await t.prisma.projectFollowUp.count()).toBe(0);
  });
});
