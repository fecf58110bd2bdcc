// The intake from Démarches Simplifiées (issue 23, items 4-6) through the real API, a real
// PostgreSQL, pg-boss's worker and a local DS (graphql-js from the schema subset, serving the
// pièces too): several pages, created / refused whole / unchanged, a dossier changed between two
// syncs (in DRAFT: applied; past it: waiting for an instructor), a checksum that does not match,
// a 429, a DS that stops answering, and the write-back (status annotation, messages).
import { createHash } from 'node:crypto';
import { DsSyncService } from '../../src/intake/ds-sync.service.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type DemarcheFixture, dossierFixture, type DsServer, pieceFixture, startDsServer } from '../helpers/ds-server.js';
import { actor, type Actor, expectProblem, makeCall, makeCommune } from '../helpers/factories.js';

const NUMBER = 55_001;
const CHAMPS = {
  porteur: 'Q2hhbXAtcG9ydGV1cg==',
  siret: 'Q2hhbXAtc2lyZXQ=',
  projet: 'Q2hhbXAtcHJvamV0',
  commune: 'Q2hhbXAtY29tbXVuZQ==',
  medecins: 'Q2hhbXAtbWVkZWNpbnM=',
  population: 'Q2hhbXAtcG9wdWxhdGlvbg==',
  travaux: 'Q2hhbXAtdHJhdmF1eA==',
  visite: 'Q2hhbXAtdmlzaXRl',
  projetSante: 'Q2hhbXAtcHJvamV0LXNhbnRl',
};

describe('sync from Démarches Simplifiées', () => {
  let t: TestApp;
  let ds: DsServer;
  let instructor: Actor;
  let partner: Actor;
  let communeA: string;
  let communeB: string;
  let communeOutside: string;
  const demarche: DemarcheFixture = {
    number: NUMBER,
    title: 'Appel à candidatures MSP 2027 (Auvergne-Rhône-Alpes)',
    revisionId: 'UHJvY2VkdXJlUmV2aXNpb24tNTU=',
    champs: [
      { __typename: 'TextChampDescriptor', id: CHAMPS.porteur, label: 'Nom du porteur', required: true },
      { __typename: 'SiretChampDescriptor', id: CHAMPS.siret, label: 'SIRET du porteur', required: false },
      { __typename: 'TextChampDescriptor', id: CHAMPS.projet, label: 'Nom du projet', required: true },
      { __typename: 'CommuneChampDescriptor', id: CHAMPS.commune, label: 'Commune d’implantation', required: true },
      { __typename: 'IntegerNumberChampDescriptor', id: CHAMPS.medecins, label: 'Médecins prévus', required: false },
      { __typename: 'IntegerNumberChampDescriptor', id: CHAMPS.population, label: 'Population desservie', required: false },
      { __typename: 'DecimalNumberChampDescriptor', id: CHAMPS.travaux, label: 'Travaux (€ HT)', required: false },
      { __typename: 'DateChampDescriptor', id: CHAMPS.visite, label: 'Date de la rencontre sur site', required: false },
      { __typename: 'PieceJustificativeChampDescriptor', id: CHAMPS.projetSante, label: 'Projet de santé', required: true },
    ],
    dossiers: [],
  };
  const MAPPING = {
    fields: [
      { champId: CHAMPS.porteur, target: 'promoter.name' },
      { champId: CHAMPS.siret, target: 'promoter.siren' },
      { champId: CHAMPS.projet, target: 'project.name' },
      { champId: CHAMPS.commune, target: 'project.commune' },
      { champId: CHAMPS.medecins, target: 'project.doctorsPlanned' },
      { champId: CHAMPS.population, target: 'project.populationServed' },
      { champId: CHAMPS.travaux, target: 'expense', category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux' },
      { champId: CHAMPS.visite, target: 'siteMeeting.heldOn' },
      { champId: CHAMPS.projetSante, target: 'document', kind: 'PROJET_DE_SANTE' },
    ],
    defaults: { legalType: 'SISA', kind: 'MSP', professionalsPlanned: 6, balancedBudget: true },
  };

  /** A dossier of the démarche as DS answers it. */
  function dossier(
    number: number,
    o: {
      name?: string;
      siret?: string;
      commune?: string;
      travaux?: string;
      population?: string;
      visite?: string | null;
      modified?: string;
      state?: 'en_construction' | 'en_instruction';
      checksum?: string;
    } = {},
  ) {
    const piece = pieceFixture(ds, `projet-sante-${number}.pdf`, { checksum: o.checksum });
    const champ = (typename: string, id: string, label: string, stringValue: string | null, extra: Record<string, unknown> = {}) => ({
      __typename: typename,
      id: `${id}-${number}`,
      champDescriptorId: id,
      label,
      stringValue,
      ...extra,
    });
    return {
      ...dossierFixture(number, { modified: o.modified ?? '2026-11-02T10:00:00+01:00', state: o.state }),
      champs: [
        champ('TextChamp', CHAMPS.porteur, 'Nom du porteur', `SISA Les Tilleuls ${number}`, { value: `SISA Les Tilleuls ${number}` }),
        champ('SiretChamp', CHAMPS.siret, 'SIRET du porteur', o.siret ?? siretOf(number), {
          etablissement: { __typename: 'PersonneMorale', id: 'pm', siret: o.siret ?? siretOf(number) },
        }),
        champ('TextChamp', CHAMPS.projet, 'Nom du projet', o.name ?? `MSP du plateau ${number}`, { value: o.name ?? `MSP du plateau ${number}` }),
        champ('CommuneChamp', CHAMPS.commune, 'Commune d’implantation', `Commune (${o.commune ?? communeA})`, {
          commune: { code: o.commune ?? communeA, name: 'Commune', postalCode: null },
        }),
        champ('IntegerNumberChamp', CHAMPS.medecins, 'Médecins prévus', '4', { value: '4' }),
        champ('IntegerNumberChamp', CHAMPS.population, 'Population desservie', o.population ?? '5200', { value: o.population ?? '5200' }),
        champ('DecimalNumberChamp', CHAMPS.travaux, 'Travaux (€ HT)', o.travaux ?? '412 500,50', { value: 412500.5 }),
        champ('DateChamp', CHAMPS.visite, 'Date de la rencontre sur site', o.visite ?? null, { date: o.visite ?? null }),
        champ('PieceJustificativeChamp', CHAMPS.projetSante, 'Projet de santé', piece.file.filename, { files: [piece.file] }),
      ],
    };
  }

  const siretOf = (number: number) => `82143${String(number).padStart(4, '0')}00017`;
  const http = () => t.http();
  const syncOf = async (callId: string, body: Record<string, unknown> = {}) => {
    const queued = await http().post(`/api/v1/calls/${callId}/sync`).set('Authorization', instructor.auth).send(body).expect(202);
    expect(queued.body).toMatchObject({ callId, trigger: 'MANUAL' });
    // pg-boss's worker runs it; the run is read back until it has ended.
    for (let i = 0; i < 600; i++) {
      const run = (await http().get(`/api/v1/calls/${callId}/syncs/${queued.body.id}`).set('Authorization', instructor.auth).expect(200)).body;
      if (run.status === 'SUCCEEDED' || run.status === 'FAILED') return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the sync did not end');
  };
  const dossiersOf = async (callId: string) =>
    (await http().get(`/api/v1/applications?callId=${callId}&limit=200`).set('Authorization', instructor.auth).expect(200)).body.items as {
      id: string;
      status: string;
      projectId: string;
      ds: { number: number; state: string; url: string; syncedAt: string; pendingChanges: { field: string; from: unknown; to: unknown }[] };
    }[];
  const byNumber = async (callId: string, n: number) => (await dossiersOf(callId)).find((d) => d.ds.number === n)!;
  const configured = async (extra: Record<string, unknown> = {}) => {
    const callId = await makeCall(t, instructor, { departmentCodes: ['43', '15'], ds: { demarcheNumber: NUMBER, ...extra } });
    await http().put(`/api/v1/calls/${callId}/ds-token`).set('Authorization', instructor.auth).send({ token: 'ds-token-of-the-ars-0001' }).expect(200);
    const mapped = await http().put(`/api/v1/calls/${callId}/mapping`).set('Authorization', instructor.auth).send(MAPPING).expect(200);
    expect(mapped.body.mapping.defaults).toEqual(MAPPING.defaults);
    return callId;
  };
  const writes = async () => ({
    audit: await t.prisma.auditLog.count(),
    events: await t.prisma.applicationEvent.count(),
    documents: await t.prisma.applicationDocument.count(),
    promoters: await t.prisma.promoter.count(),
  });

  beforeAll(async () => {
    ds = await startDsServer([demarche]);
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0', DS_API_URL: ds.url, DS_MIN_INTERVAL_MS: '0', DS_TIMEOUT_MS: '400', DS_MAX_RETRIES: '1', DS_SYNC_PAGE_SIZE: '2' });
    instructor = await actor(t, 'INSTRUCTOR');
    partner = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] });
    communeA = (await makeCommune(t, { departmentCode: '43', postalCodes: ['43300'] })).inseeCode;
    communeB = (await makeCommune(t, { departmentCode: '15' })).inseeCode;
    communeOutside = (await makeCommune(t, { departmentCode: '38' })).inseeCode;
  });
  afterAll(async () => {
    await t?.close();
    await ds?.close();
  });
  beforeEach(() => {
    ds.failures.length = 0;
    ds.mutations.length = 0;
  });

  it('creates each mappable dossier whole, over several pages, and refuses the others whole with why', async () => {
    const callId = await configured();
    demarche.dossiers = [
      dossier(1001),
      dossier(1002, { commune: communeB, visite: '2026-11-20' }),
      dossier(1003, { travaux: 'douze mille euros' }),
      dossier(1004, { commune: communeOutside }),
      dossier(1005, { checksum: 'AAAAAAAAAAAAAAAAAAAAAA==' }),
    ];
    const before = await writes();
    const run = await syncOf(callId);
    expect(run).toMatchObject({ status: 'SUCCEEDED', created: 2, updated: 0, unchanged: 0, since: null, error: null });
    // Five dossiers, two a page: three pages asked for.
    expect(run.requests).toBe(3);
    expect(run.refused).toEqual([
      { dsNumber: 1003, reason: expect.stringContaining('"douze mille euros" is not an amount in euros') },
      { dsNumber: 1004, reason: expect.stringMatching(/no commune of region 84|the call is open to 43, 15/) },
      { dsNumber: 1005, reason: expect.stringContaining('DS announced AAAAAAAAAAAAAAAAAAAAAA==') },
    ]);
    // Nothing of a refused dossier was written: two promoters, not more.
    expect((await writes()).promoters - before.promoters).toBe(2);
    expect(await t.prisma.promoter.count({ where: { name: { in: ['SISA Les Tilleuls 1003', 'SISA Les Tilleuls 1005'] } } })).toBe(0);

    const [first, second] = [await byNumber(callId, 1001), await byNumber(callId, 1002)];
    expect(first).toMatchObject({
      status: 'DRAFT',
      ds: { number: 1001, state: 'EN_CONSTRUCTION', url: `${new URL(ds.url).origin}/procedures/${NUMBER}/dossiers/1001`, pendingChanges: [] },
    });
    // The promoter declared a site meeting: recorded as the move.
    expect(second.status).toBe('SITE_MEETING_HELD');
    const project = (await http().get(`/api/v1/projects/${first.projectId}`).set('Authorization', instructor.auth).expect(200)).body;
    expect(project).toMatchObject({
      name: 'MSP du plateau 1001',
      communeInsee: communeA,
      kind: 'MSP',
      doctorsPlanned: 4,
      professionalsPlanned: 6,
      populationServed: 5200,
      balancedBudget: true,
    });
    const promoter = (await http().get(`/api/v1/promoters/${project.promoterId}`).set('Authorization', instructor.auth).expect(200)).body;
    expect(promoter).toMatchObject({ name: 'SISA Les Tilleuls 1001', siren: '821431001', legalType: 'SISA' });
    const expenses = (await http().get(`/api/v1/applications/${first.id}/expenses`).set('Authorization', instructor.auth).expect(200)).body;
    expect(expenses.items).toEqual([expect.objectContaining({ category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux', amountCents: 41_250_050 })]);
    const docs = (await http().get(`/api/v1/applications/${first.id}/documents`).set('Authorization', instructor.auth).expect(200)).body.items;
    const served = ds.files.get('projet-sante-1001.pdf')!;
    expect(docs).toEqual([expect.objectContaining({ kind: 'PROJET_DE_SANTE', filename: 'projet-sante-1001.pdf', sha256: createHash('sha256').update(served).digest('hex') })]);
    const history = (await http().get(`/api/v1/applications/${first.id}/events`).set('Authorization', instructor.auth).expect(200)).body.items;
    expect(history.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['CREATED', 'DS_IMPORTED', 'DOCUMENT_ADDED']));
    // Every row written by the run names it in the audit trail.
    expect(await t.prisma.auditLog.count({ where: { actorKind: 'SYSTEM', actorId: run.id } })).toBeGreaterThanOrEqual(6);
    // The partner of département 43 sees the dossier of 43, not the one of 15.
    const seen = (await http().get(`/api/v1/applications?callId=${callId}`).set('Authorization', partner.auth).expect(200)).body.items.map((d: { id: string }) => d.id);
    expect(seen).toEqual([first.id]);

    // Read again with nothing new: nothing written (the refused ones refused again).
    const after = await writes();
    const again = await syncOf(callId, { full: true });
    expect(again).toMatchObject({ status: 'SUCCEEDED', created: 0, updated: 0, unchanged: 2, files: 0 });
    expect(again.refused).toHaveLength(3);
    // Only the request's own audit row (call.sync).
    expect(await writes()).toEqual({ ...after, audit: after.audit + 1 });
  });

  it('updates a DRAFT dossier, keeps later changes for an instructor, follows DS state, reads only what changed', async () => {
    const callId = await configured();
    demarche.dossiers = [dossier(2001), dossier(2002, { visite: '2026-11-20' }), dossier(2003, { siret: siretOf(2001).replace(/00017$/, '00025') })];
    expect(await syncOf(callId)).toMatchObject({ status: 'SUCCEEDED', created: 3 });
    // Two establishments of one SIREN: one promoter.
    const projectOf = async (n: number) =>
      (
        await http()
          .get(`/api/v1/projects/${(await byNumber(callId, n)).projectId}`)
          .set('Authorization', instructor.auth)
          .expect(200)
      ).body;
    expect((await projectOf(2003)).promoterId).toBe((await projectOf(2001)).promoterId);
    expect((await projectOf(2002)).promoterId).not.toBe((await projectOf(2001)).promoterId);
    const watermark = (await http().get(`/api/v1/calls/${callId}`).set('Authorization', instructor.auth).expect(200)).body.ds.syncedUntil;
    expect(watermark).not.toBeNull();
    const later = new Date(Date.now() + 60_000).toISOString();
    demarche.dossiers = [
      dossier(2001, { population: '6100', modified: later }),
      dossier(2002, { name: 'MSP du plateau (projet révisé)', travaux: '450000', visite: '2026-11-20', modified: later }),
      dossier(2003, { siret: siretOf(2001).replace(/00017$/, '00025'), state: 'en_instruction', modified: later }),
      // Older than the watermark: not even read.
      dossier(2004, { modified: '2026-10-01T00:00:00+02:00' }),
    ];
    const run = await syncOf(callId);
    expect(run).toMatchObject({ status: 'SUCCEEDED', since: watermark, created: 0, updated: 3, unchanged: 0, refused: [] });

    const draft = await byNumber(callId, 2001);
    expect((await http().get(`/api/v1/projects/${draft.projectId}`).set('Authorization', instructor.auth).expect(200)).body.populationServed).toBe(6100);
    const events = async (id: string) => (await http().get(`/api/v1/applications/${id}/events`).set('Authorization', instructor.auth).expect(200)).body.items;
    expect((await events(draft.id)).find((e: { type: string }) => e.type === 'DS_UPDATED').data.changes).toEqual([{ field: 'project.populationServed', from: 5200, to: 6100 }]);

    // Past DRAFT: nothing overwritten; the changes wait.
    const instructed = await byNumber(callId, 2002);
    const project = async () => (await http().get(`/api/v1/projects/${instructed.projectId}`).set('Authorization', instructor.auth).expect(200)).body;
    expect((await project()).name).toBe('MSP du plateau 2002');
    expect(instructed.ds.pendingChanges).toEqual([
      { field: 'project.name', from: 'MSP du plateau 2002', to: 'MSP du plateau (projet révisé)' },
      { field: 'expenses', from: [expect.objectContaining({ amountCents: '41250050' })], to: [expect.objectContaining({ amountCents: '45000000' })] },
    ]);
    expect((await events(instructed.id)).some((e: { type: string }) => e.type === 'DS_CHANGES_PENDING')).toBe(true);
    expect((await byNumber(callId, 2003)).ds.state).toBe('EN_INSTRUCTION');
    expectProblem(await http().post(`/api/v1/applications/${instructed.id}/ds-changes/accept`).set('Authorization', partner.auth), 403);
    const accepted = await http().post(`/api/v1/applications/${instructed.id}/ds-changes/accept`).set('Authorization', instructor.auth).expect(200);
    expect(accepted.body.ds.pendingChanges).toEqual([]);
    expect((await project()).name).toBe('MSP du plateau (projet révisé)');
    const expenses = (await http().get(`/api/v1/applications/${instructed.id}/expenses`).set('Authorization', instructor.auth).expect(200)).body;
    expect(expenses.items[0].amountCents).toBe(45_000_000);
    expect(expectProblem(await http().post(`/api/v1/applications/${instructed.id}/ds-changes/accept`).set('Authorization', instructor.auth), 409).rule).toBe('no-ds-changes');

    // Dismissed: ours stays; the same reading does not bring it back.
    demarche.dossiers = [dossier(2002, { name: 'Autre nom', travaux: '450000', visite: '2026-11-20', modified: new Date(Date.now() + 120_000).toISOString() })];
    expect(await syncOf(callId)).toMatchObject({ updated: 1 });
    await http().post(`/api/v1/applications/${instructed.id}/ds-changes/dismiss`).set('Authorization', instructor.auth).expect(200);
    expect((await project()).name).toBe('MSP du plateau (projet révisé)');
    expect(await syncOf(callId, { full: true })).toMatchObject({ updated: 0, unchanged: 1 });
    expect((await byNumber(callId, 2002)).ds.pendingChanges).toEqual([]);
    // A dossier entered by hand has none of this.
    const byHand = (await dossiersOf(callId)).length;
    expect(byHand).toBe(3);
  });

  it('waits out a 429, and ends FAILED when DS stops answering, keeping the dossiers before and the watermark', async () => {
    const callId = await configured();
    demarche.dossiers = [dossier(3001), dossier(3002), dossier(3003)];
    ds.failures.push({ status: 429, retryAfter: 0 });
    const run = await syncOf(callId);
    expect(run).toMatchObject({ status: 'SUCCEEDED', created: 3 });
    // Two pages, and the request the 429 answered, retried.
    expect(run.requests).toBe(3);
    const watermark = (await http().get(`/api/v1/calls/${callId}`).set('Authorization', instructor.auth).expect(200)).body.ds.syncedUntil;

    const later = new Date(Date.now() + 60_000).toISOString();
    demarche.dossiers = [dossier(3004, { modified: later }), dossier(3005, { modified: later }), dossier(3006, { modified: later })];
    // The first page answers; the second never does (the request and its one retry time out).
    ds.failures.push('pass', 'hang', 'hang');
    const failed = await syncOf(callId);
    expect(failed).toMatchObject({ status: 'FAILED', created: 2, error: expect.stringContaining('did not answer within 400 ms') });
    expect((await http().get(`/api/v1/calls/${callId}`).set('Authorization', instructor.auth).expect(200)).body.ds.syncedUntil).toBe(watermark);
    // The next run reads from the same watermark and takes the rest.
    expect(await syncOf(callId)).toMatchObject({ status: 'SUCCEEDED', created: 1, unchanged: 2 });
  });

  it('answers the run under way, refuses what is not configured, hides other regions, and runs on the schedule', async () => {
    const bare = await makeCall(t, instructor, { ds: { demarcheNumber: NUMBER } });
    expect(expectProblem(await http().post(`/api/v1/calls/${bare}/sync`).set('Authorization', instructor.auth).send({}), 409).rule).toBe('ds-not-configured');
    expectProblem(await http().post(`/api/v1/calls/${bare}/sync`).set('Authorization', partner.auth).send({}), 403);
    const other = await actor(t, 'INSTRUCTOR', { regionCode: '53' });
    expectProblem(await http().post(`/api/v1/calls/${bare}/sync`).set('Authorization', other.auth).send({}), 404);
    expectProblem(await http().get(`/api/v1/calls/${bare}/syncs`).set('Authorization', other.auth), 404);
    expectProblem(await http().post(`/api/v1/calls/${bare}/sync`).set('Authorization', instructor.auth).send({ full: 'yes' }), 400);

    const callId = await configured();
    demarche.dossiers = [];
    // A run already queued (as another instance's request left it): the request answers it.
    const queued = await t.prisma.dsSync.create({ data: { callId, trigger: 'SCHEDULED' } });
    const res = await http().post(`/api/v1/calls/${callId}/sync`).set('Authorization', instructor.auth).send({}).expect(202);
    expect(res.body.id).toBe(queued.id);
    await t.prisma.dsSync.update({ where: { id: queued.id }, data: { status: 'FAILED', error: 'test' } });

    // The schedule queues one run per configured call (not the bare one).
    const before = await t.prisma.dsSync.count({ where: { trigger: 'SCHEDULED', callId: { in: [callId, bare] } } });
    expect(await t.app.get(DsSyncService).scheduled()).toBeGreaterThanOrEqual(1);
    expect(await t.prisma.dsSync.count({ where: { trigger: 'SCHEDULED', callId } })).toBe(before + 1);
    expect(await t.prisma.dsSync.count({ where: { callId: bare } })).toBe(0);
    const list = (await http().get(`/api/v1/calls/${callId}/syncs`).set('Authorization', instructor.auth).expect(200)).body.items;
    expect(list[0].trigger).toBe('SCHEDULED');
    // A département's partner reads none: the refusals quote dossiers of every département.
    expect(expectProblem(await http().get(`/api/v1/calls/${callId}/syncs`).set('Authorization', partner.auth), 403).rule).toBe('region-wide-write');
    // The scheduled runs end before the next test changes the démarche's fixtures.
    for (let i = 0; i < 600 && (await t.prisma.dsSync.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } })) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await t.prisma.dsSync.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } })).toBe(0);
  });

  it("refuses a pièce whose URL leaves DS's host for a private or metadata address, and re-reads a refused dossier until it is taken", async () => {
    const callId = await configured();
    const withUrl = (number: number, url: string) => {
      const d = dossier(number);
      const champ = d.champs.find((c) => c.champDescriptorId === CHAMPS.projetSante) as unknown as { files: { url: string }[] };
      champ.files[0].url = url;
      return d;
    };
    demarche.dossiers = [withUrl(5001, 'http://169.254.169.254/latest/meta-data/'), withUrl(5002, 'https://10.1.2.3/projet.pdf'), dossier(5003)];
    const run = await syncOf(callId);
    expect(run).toMatchObject({ status: 'SUCCEEDED', created: 1 });
    expect(run.refused).toEqual([
      { dsNumber: 5001, reason: expect.stringContaining('must be an https URL') },
      { dsNumber: 5002, reason: expect.stringContaining('must not target a private, link-local or reserved address') },
    ]);
    expect(await t.prisma.promoter.count({ where: { name: { in: ['SISA Les Tilleuls 5001', 'SISA Les Tilleuls 5002'] } } })).toBe(0);
    // The watermark stays before the refused dossiers' change: the next run reads them again (and takes them once DS serves them).
    demarche.dossiers = [dossier(5001), dossier(5002), dossier(5003)];
    expect(await syncOf(callId)).toMatchObject({ status: 'SUCCEEDED', created: 2, unchanged: 1, refused: [] });
  });

  it('writes our status back as a private annotation, and asks the promoter for missing pièces by a DS message', async () => {
    const callId = await configured({ writeBack: { instructeurId: 'SW5zdHJ1Y3RldXItNDI=', statusAnnotationId: 'Q2hhbXAtYW5ub3RhdGlvbg==', messages: true } });
    demarche.dossiers = [dossier(4001, { visite: '2026-11-20' })];
    await syncOf(callId);
    const app = await byNumber(callId, 4001);
    const annotations = ds.mutations.filter((m) => m.name === 'annotation');
    expect(annotations).toEqual([
      {
        name: 'annotation',
        input: expect.objectContaining({
          dossierId: dossierFixture(4001).id,
          instructeurId: 'SW5zdHJ1Y3RldXItNDI=',
          annotationId: 'Q2hhbXAtYW5ub3RhdGlvbg==',
          value: expect.stringContaining('réunion sur site tenue'),
        }),
      },
    ]);
    // Written once per status: the next run writes nothing more.
    await syncOf(callId);
    expect(ds.mutations.filter((m) => m.name === 'annotation')).toHaveLength(1);

    const sent = await http().post(`/api/v1/applications/${app.id}/ds-messages`).set('Authorization', instructor.auth).send({}).expect(200);
    expect(sent.body.body).toContain('dossier n° 4001');
    expect(ds.mutations.at(-1)).toEqual({ name: 'message', input: expect.objectContaining({ dossierId: dossierFixture(4001).id, body: sent.body.body }) });
    const history = (await http().get(`/api/v1/applications/${app.id}/events`).set('Authorization', instructor.auth).expect(200)).body.items;
    expect(history.find((e: { type: string }) => e.type === 'DS_MESSAGE_SENT').data).toMatchObject({ messageId: sent.body.messageId, body: sent.body.body });

    // Off by default: a call without write-back sends nothing.
    const quiet = await configured();
    demarche.dossiers = [dossier(4002)];
    await syncOf(quiet);
    const silent = await byNumber(quiet, 4002);
    const before = ds.mutations.length;
    expect(expectProblem(await http().post(`/api/v1/applications/${silent.id}/ds-messages`).set('Authorization', instructor.auth).send({ body: 'Bonjour' }), 409).rule).toBe(
      'ds-write-back-off',
    );
    expect(ds.mutations.length).toBe(before);
  });
});
