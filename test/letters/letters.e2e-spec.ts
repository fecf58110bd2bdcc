// The letters the DG ARS signs, generated as PDF pièces with the move that records them, and
// the séance pack, through the real API and a real PostgreSQL; read back as text (pdf.js) and
// as a ZIP.
import { addMonths } from '../../src/common/validation/dates.js';
import { bytes, startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, heldSession, makeDossier, today, WALK } from '../helpers/dossiers.js';
import { samplePdf, samplePng, sha256, upload } from '../helpers/documents.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';
import { activeRuleSet } from '../helpers/funding.js';
import { pdfAccessibility, pdfText, unzip } from '../helpers/pdf.js';

/** « 2 novembre 2026 » */
const french = (iso: string) => new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

describe('letters and the séance pack', () => {
  let t: TestApp;
  let instructor: Actor;
  let director: Actor;
  const who = () => ({ instructor, director });
  const I = () => ({ Authorization: instructor.auth });
  const pieces = async (id: string, a: Actor = instructor) =>
    (await t.http().get(`/api/v1/applications/${id}/documents`).set('Authorization', a.auth).expect(200)).body.items as {
      id: string;
      kind: string;
      sha256: string;
      filename: string;
      uploadedBy: { id: string };
    }[];
  const content = async (id: string, docId: string) =>
    (await t.http().get(`/api/v1/applications/${id}/documents/${docId}/content`).set(I()).buffer(true).parse(bytes).expect(200)).body as Buffer;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    await t.prisma.user.update({ where: { id: director.userId }, data: { displayName: 'Dr Claire Vidal' } });
    await t.prisma.organization.updateMany({ where: { type: 'ARS', regionCode: '84' }, data: { name: 'ARS Auvergne-Rhône-Alpes' } });
  });
  afterAll(() => t.close());

  it('generates the récépissé when the DG issues it: a tagged French PDF with the FINESS numbers and the dates, a pièce RECEIPT, audited', async () => {
    const { id } = await makeDossier(t, instructor, { name: 'Centre de santé de Brioude', kind: 'CDS_POLYVALENT' });
    await advance(t, id, 'DELIVERABLES_RECEIVED', who());
    const before = (await t.http().get(`/api/v1/applications/${id}`).set(I()).expect(200)).body;
    const eventsBefore = (await t.http().get(`/api/v1/applications/${id}/events`).set(I()).expect(200)).body.items.length;
    const issued = await t
      .http()
      .post(`/api/v1/applications/${id}/receipt`)
      .set('Authorization', director.auth)
      .send({ issuedOn: today(), finessEj: '430008842', finessEt: '430008859' })
      .expect(200);
    // The letter goes with the move: one version, one event (RECEIPT_ISSUED).
    expect(issued.body).toMatchObject({ status: 'RECEIPT_ISSUED', version: before.version + 1 });
    expect((await t.http().get(`/api/v1/applications/${id}/events`).set(I()).expect(200)).body.items).toHaveLength(eventsBefore + 1);

    const receipt = (await pieces(id)).find((p) => p.kind === 'RECEIPT')!;
    expect(receipt).toMatchObject({ filename: 'recepisse-430008859.pdf', uploadedBy: { id: director.userId } });
    const pdf = await content(id, receipt.id);
    expect(sha256(pdf)).toBe(receipt.sha256);
    const [page] = await pdfText(pdf);
    for (const expected of [
      'ARS Auvergne-Rhône-Alpes',
      'Récépissé de l’engagement de conformité',
      'Centre de santé de Brioude',
      '430008842',
      '430008859',
      french(WALK.deliverables),
      french(addMonths(WALK.deliverables, 2)),
      french(today()),
      'vaut autorisation de dispenser des soins',
      'Dr Claire Vidal',
    ]) {
      expect(page).toContain(expected);
    }
    expect(await pdfAccessibility(pdf)).toEqual({
      marked: true,
      title: 'Récépissé de l’engagement de conformité — Centre de santé de Brioude',
      language: 'fr-FR',
      structTree: true,
    });
    const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { entityId: id, action: 'application.document.create', after: { path: ['kind'], equals: 'RECEIPT' } } });
    expect(audit.after).toMatchObject({ sha256: receipt.sha256, mediaType: 'application/pdf' });
  });

  it('writes the decision letter with the outcome, the motivation and the CARPEC opinion it follows or departs from', async () => {
    const approved = (await makeDossier(t, instructor, { name: 'MSP du Haut-Allier' })).id;
    await advance(t, approved, 'AWAITING_DECISION', who());
    await t
      .http()
      .post(`/api/v1/applications/${approved}/decision`)
      .set('Authorization', director.auth)
      .send({ outcome: 'APPROVED', decidedOn: daysAgo(600), motivation: 'Projet structurant en zone d’intervention prioritaire' })
      .expect(200);
    const letter = (await pieces(approved)).find((p) => p.kind === 'DECISION_LETTER')!;
    const [text] = await pdfText(await content(approved, letter.id));
    for (const expected of [
      'accorde l’accompagnement demandé',
      'Projet structurant en zone d’intervention prioritaire',
      'avis favorable',
      'suit l’avis favorable',
      french(daysAgo(600)),
      'étape 2',
    ]) {
      expect(text).toContain(expected);
    }

    const rejected = (await makeDossier(t, instructor, { name: 'MSP de Langeac' })).id;
    await advance(t, rejected, 'AWAITING_DECISION', who());
    await t
      .http()
      .post(`/api/v1/applications/${rejected}/decision`)
      .set('Authorization', director.auth)
      .send({ outcome: 'REJECTED', decidedOn: daysAgo(600), motivation: 'Pas de médecin engagé à ce jour' })
      .expect(200);
    const refusal = (await pieces(rejected)).find((p) => p.kind === 'DECISION_LETTER')!;
    const [refusalText] = await pdfText(await content(rejected, refusal.id));
    expect(refusalText).toContain('refuse l’accompagnement demandé');
    expect(refusalText).toContain('s’écarte de l’avis favorable');
    expect(refusalText).toContain('Pas de médecin engagé à ce jour');
    expect(refusalText).toContain('recours');
  });

  it('writes no letter when the move is refused, and leaves nothing of it in the storage', async () => {
    const { id } = await makeDossier(t, instructor);
    await advance(t, id, 'DELIVERABLES_RECEIVED', who());
    const documents = await t.prisma.applicationDocument.count();
    const chunkKeys = (await t.prisma.documentChunk.groupBy({ by: ['key'] })).length;
    // Issued before the deliverables were received: 422, and no récépissé.
    expectProblem(
      await t
        .http()
        .post(`/api/v1/applications/${id}/receipt`)
        .set('Authorization', director.auth)
        .send({ issuedOn: daysAgo(400), finessEj: '430008842', finessEt: '430008859' }),
      422,
    );
    expect(await t.prisma.applicationDocument.count()).toBe(documents);
    expect((await t.prisma.documentChunk.groupBy({ by: ['key'] })).length).toBe(chunkKeys);
    expect(await t.prisma.documentUpload.count()).toBe(0);
  });

  describe('the séance pack', () => {
    let session: string;
    const dossiers: { id: string; name: string; dep: string; files: Buffer[] }[] = [];

    beforeAll(async () => {
      session = await heldSession(t, instructor, daysAgo(5));
      for (const [name, dep, insee] of [
        ['MSP de Saugues', '43', '43234'],
        ['Centre de santé de Thonon', '74', '74281'],
        ['MSP de Craponne', '43', '43080'],
      ] as const) {
        const { id } = await makeDossier(t, instructor, { name, commune: { inseeCode: insee, departmentCode: dep } });
        await advance(t, id, 'SITE_MEETING_HELD', who());
        const files = [samplePdf(`Lettre d’intention ${name}`), samplePng(32 + dossiers.length, 24)];
        await upload(t, id, instructor, 'LETTER_OF_INTENT', files[0], 'lettre.pdf').expect(201);
        await upload(t, id, instructor, 'OTHER', files[1], 'plan.png').expect(201);
        await t
          .http()
          .post(`/api/v1/applications/${id}/submit`)
          .set(I())
          .send({ receivedOn: daysAgo(20) })
          .expect(200);
        await t.http().post(`/api/v1/carpec-sessions/${session}/agenda`).set(I()).send({ applicationId: id, purpose: 'OPINION' }).expect(201);
        dossiers.push({ id, name, dep, files });
      }
      // The first dossier has a computed funding plan: its summary shows the lines.
      const admin = await actor(t, 'ADMIN');
      await activeRuleSet(t, admin);
      await t
        .http()
        .put(`/api/v1/applications/${dossiers[0].id}/expenses`)
        .set(I())
        .send([{ category: 'IMMOBILIER', label: 'Travaux', amountCents: 40_000_000 }])
        .expect(200);
      await t.http().post(`/api/v1/applications/${dossiers[0].id}/funding-plan/compute`).set(I()).send({}).expect(200);
    });

    const pack = async (a: Actor) => {
      const res = await t.http().get(`/api/v1/carpec-sessions/${session}/pack`).set('Authorization', a.auth).buffer(true).parse(bytes).expect(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="carpec-.*\.zip"$/);
      return unzip(res.body as Buffer);
    };

    it("holds the agenda, then each dossier's summary followed by its current pièces, byte for byte", async () => {
      const zip = await pack(instructor);
      const names = Object.keys(zip);
      expect(names[0]).toBe('00-ordre-du-jour.pdf');
      const [agenda] = await pdfText(zip['00-ordre-du-jour.pdf']);
      for (const d of dossiers) expect(agenda).toContain(d.name);
      for (const [i, d] of dossiers.entries()) {
        const folder = names.filter((n) => n.startsWith(`${String(i + 1).padStart(2, '0')}-`));
        expect(folder[0]).toMatch(/\/00-fiche-de-synthese\.pdf$/);
        const [summary] = await pdfText(zip[folder[0]]);
        expect(summary).toContain(d.name);
        expect(summary).toContain('Plan de financement');
        if (i === 0) {
          const plan = (await t.http().get(`/api/v1/applications/${d.id}/funding-plan`).set(I()).expect(200)).body;
          expect(summary).toContain('Plan calculé — coût total 400 000,00 €');
          const line = plan.lines.find((l: { amountCents: number }) => l.amountCents > 0);
          expect(summary).toContain(line.funder);
        } else {
          expect(summary).toContain('Aucun plan de financement calculé.');
        }
        expect(summary).toContain("Lettre d'intention : lettre.pdf");
        expect(summary).toContain('Statut à l’ordre du jour de la CARPEC');
        expect(summary).toContain("zone d'intervention prioritaire (ZIP)");
        expect(await pdfAccessibility(zip[folder[0]])).toMatchObject({ marked: true, language: 'fr-FR' });
        // The pièces: the request advance() sent, and the two uploaded here, in order, the same bytes.
        const current = await pieces(d.id);
        expect(folder.slice(1)).toHaveLength(current.length);
        const inZip = folder.slice(1).map((n) => sha256(zip[n]));
        expect(inZip.sort()).toEqual(current.map((p) => p.sha256).sort());
        for (const file of d.files) expect(inZip).toContain(sha256(file));
      }
    });

    it("gives a partner the pack of its territory's dossiers only; another region 404, a reporting key 403", async () => {
      const p43 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] });
      const zip = await pack(p43);
      const [agenda] = await pdfText(zip['00-ordre-du-jour.pdf']);
      expect(agenda).toContain('MSP de Saugues');
      expect(agenda).toContain('MSP de Craponne');
      expect(agenda).not.toContain('Thonon');
      expect(Object.keys(zip).some((n) => /thonon/i.test(n))).toBe(false);
      expect(Object.keys(zip).filter((n) => n.endsWith('00-fiche-de-synthese.pdf'))).toHaveLength(2);
      const other = await actor(t, 'ADMIN', { regionCode: '53' });
      expectProblem(await t.http().get(`/api/v1/carpec-sessions/${session}/pack`).set('Authorization', other.auth), 404);
      const admin = await actor(t, 'ADMIN');
      const key = (
        await t.http().post('/api/v1/api-keys').set('Authorization', admin.auth).send({ name: 'nightly', role: 'REPORTING', organizationId: admin.organizationId }).expect(201)
      ).body.key;
      expectProblem(await t.http().get(`/api/v1/carpec-sessions/${session}/pack`).set('X-API-Key', key), 403);
    });
  });
});
