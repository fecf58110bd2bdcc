// The pièces of a dossier through the real API and a real PostgreSQL (the default storage):
// uploads streamed and sniffed, downloads byte for byte, ranges, versions, withdrawals, the
// checklist of each move, partners' reads, internal notes, the MISSING_PIECE deadline, the
// sweep of what a crash leaves.
import { randomUUID } from 'node:crypto';
import { DocumentsService } from '../../src/documents/documents.service.js';
import { CHUNK_BYTES } from '../../src/documents/storage/postgres-blob-store.js';
import { bytes, startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, makeDossier, today } from '../helpers/dossiers.js';
import { samplePdf, samplePng, sampleExe, sha256, upload } from '../helpers/documents.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';

const MAX_BYTES = 3 * 1024 * 1024;
const MAX_PER_DOSSIER = 10;

/** `size` bytes starting with a PDF header, the rest pseudo-random (seeded: the same every run). */
function bigPdf(size: number, seed = 7): Buffer {
  const out = Buffer.alloc(size);
  out.write('%PDF-1.4\n', 0, 'latin1');
  let x = seed;
  for (let i = 9; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >>> 16;
  }
  return out;
}

describe('documents (PostgreSQL storage)', () => {
  let t: TestApp;
  let instructor: Actor;
  let director: Actor;
  let auditor: Actor;
  const I = () => ({ Authorization: instructor.auth });
  const who = () => ({ instructor, director });
  const docs = (id: string) => `/api/v1/applications/${id}/documents`;
  const get = async (id: string, a: Actor = instructor) => (await t.http().get(`/api/v1/applications/${id}`).set('Authorization', a.auth).expect(200)).body;
  const content = (id: string, docId: string, a: Actor = instructor) =>
    t
      .http()
      .get(`${docs(id)}/${docId}/content`)
      .set('Authorization', a.auth)
      .buffer(true)
      .parse(bytes);
  /** Nothing of a refused upload may stay: no pièce, no chunk, no open upload. */
  const storedState = async () => ({
    documents: await t.prisma.applicationDocument.count(),
    chunkKeys: (await t.prisma.documentChunk.groupBy({ by: ['key'] })).length,
    uploads: await t.prisma.documentUpload.count(),
  });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0', DOCUMENTS_MAX_BYTES: String(MAX_BYTES), DOCUMENTS_MAX_PER_DOSSIER: String(MAX_PER_DOSSIER) });
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    auditor = await actor(t, 'AUDITOR');
  });
  afterAll(() => t.close());

  describe('upload and download', () => {
    it('stores a PDF and a PNG, sniffed, and gives them back byte for byte with the same SHA-256', async () => {
      const { id } = await makeDossier(t, instructor);
      const pdf = samplePdf('Demande d’accompagnement');
      const png = samplePng();
      const a = await upload(t, id, instructor, 'REQUEST', pdf, 'demande.pdf', 'Demande signée').expect(201);
      expect(a.body).toMatchObject({
        applicationId: id,
        seriesId: a.body.id,
        kind: 'REQUEST',
        filename: 'demande.pdf',
        mediaType: 'application/pdf',
        sizeBytes: pdf.length,
        sha256: sha256(pdf),
        version: 1,
        current: true,
        withdrawn: false,
        label: 'Demande signée',
        uploadedBy: { id: instructor.userId, kind: 'USER' },
      });
      expect(a.headers.location).toBe(`/api/v1/applications/${id}/documents/${a.body.id}`);
      // The client's word on the type is not taken: a PNG sent as application/pdf and named .pdf is a PNG.
      const b = await t.http().post(docs(id)).set(I()).field('kind', 'OTHER').attach('file', png, { filename: 'plan.pdf', contentType: 'application/pdf' }).expect(201);
      expect(b.body).toMatchObject({ mediaType: 'image/png', sha256: sha256(png), label: null });

      for (const [doc, sent, type] of [
        [a.body, pdf, 'application/pdf'],
        [b.body, png, 'image/png'],
      ] as const) {
        const res = await content(id, doc.id).expect(200);
        expect(res.headers).toMatchObject({
          'content-type': type,
          etag: `"${sha256(sent)}"`,
          'accept-ranges': 'bytes',
          'content-length': String(sent.length),
          'x-content-type-options': 'nosniff',
        });
        expect(res.headers['content-disposition']).toMatch(/^attachment; filename="/);
        expect(Buffer.compare(res.body as Buffer, sent)).toBe(0);
        expect(sha256(res.body as Buffer)).toBe(doc.sha256);
      }
      const list = (await t.http().get(docs(id)).set(I()).expect(200)).body.items;
      expect(list.map((d: { id: string }) => d.id)).toEqual([a.body.id, b.body.id]);
      expect(
        (
          await t
            .http()
            .get(`${docs(id)}/${a.body.id}`)
            .set(I())
            .expect(200)
        ).body,
      ).toEqual(a.body);
    });

    it('streams a file of several chunks (up to the limit) into 1 MiB rows and back, and serves ranges of it', async () => {
      const { id } = await makeDossier(t, instructor);
      const file = bigPdf(MAX_BYTES);
      const res = await upload(t, id, instructor, 'FINANCING_PLAN', file, 'plan-de-financement.pdf').expect(201);
      expect(res.body).toMatchObject({ sizeBytes: MAX_BYTES, sha256: sha256(file) });
      const row = await t.prisma.applicationDocument.findUniqueOrThrow({ where: { id: res.body.id } });
      expect(row).toMatchObject({ storage: 'POSTGRES', sizeBytes: BigInt(MAX_BYTES) });
      const chunks = await t.prisma.documentChunk.findMany({ where: { key: row.storageKey }, select: { seq: true }, orderBy: { seq: 'asc' } });
      expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2]);
      expect(await t.prisma.documentUpload.count({ where: { key: row.storageKey } })).toBe(0);

      const whole = await content(id, res.body.id).expect(200);
      expect(sha256(whole.body as Buffer)).toBe(sha256(file));

      const range = async (header: string, start: number, end: number) => {
        const r = await content(id, res.body.id).set('Range', header).expect(206);
        expect(r.headers['content-range']).toBe(`bytes ${start}-${end}/${MAX_BYTES}`);
        expect(r.headers['content-length']).toBe(String(end - start + 1));
        expect(Buffer.compare(r.body as Buffer, file.subarray(start, end + 1))).toBe(0);
      };
      await range('bytes=0-0', 0, 0);
      // Across the boundary of two chunks.
      await range(`bytes=${CHUNK_BYTES - 10}-${CHUNK_BYTES + 9}`, CHUNK_BYTES - 10, CHUNK_BYTES + 9);
      await range(`bytes=${2 * CHUNK_BYTES}-`, 2 * CHUNK_BYTES, MAX_BYTES - 1);
      await range('bytes=-100', MAX_BYTES - 100, MAX_BYTES - 1);
      await range(`bytes=5-${MAX_BYTES * 2}`, 5, MAX_BYTES - 1);
      const outside = expectProblem(await content(id, res.body.id).set('Range', `bytes=${MAX_BYTES}-`), 416);
      expect(outside).toMatchObject({ sizeBytes: MAX_BYTES });
      // If-Range with another validator: the whole content; If-None-Match with this one: 304.
      expect((await content(id, res.body.id).set('Range', 'bytes=0-9').set('If-Range', '"other"').expect(200)).body).toHaveLength(MAX_BYTES);
      await content(id, res.body.id)
        .set('If-None-Match', `"${sha256(file)}"`)
        .expect(304);
    });

    it('keeps the name sent, without its path, and gives it back in Content-Disposition (RFC 6266)', async () => {
      const { id } = await makeDossier(t, instructor);
      const res = await upload(t, id, instructor, 'OTHER', samplePdf('x'), 'C:\\Users\\mairie\\Délibération n°12 (urgente).pdf').expect(201);
      expect(res.body.filename).toBe('Délibération n°12 (urgente).pdf');
      const got = await content(id, res.body.id).expect(200);
      expect(got.headers['content-disposition']).toBe(
        `attachment; filename="Deliberation n_12 (urgente).pdf"; filename*=UTF-8''D%C3%A9lib%C3%A9ration%20n%C2%B012%20%28urgente%29.pdf`,
      );
    });

    it('answers the same bytes of the same kind sent again with the pièce already there (200), storing nothing twice', async () => {
      const { id } = await makeDossier(t, instructor);
      const pdf = samplePdf('Projet de santé');
      const first = await upload(t, id, instructor, 'PROJET_DE_SANTE', pdf).expect(201);
      const before = await storedState();
      const again = await upload(t, id, instructor, 'PROJET_DE_SANTE', pdf).expect(200);
      expect(again.body).toEqual(first.body);
      expect(await storedState()).toEqual(before);
      const events = (await t.http().get(`/api/v1/applications/${id}/events`).set(I()).expect(200)).body.items.map((e: { type: string }) => e.type);
      expect(events.filter((e: string) => e === 'DOCUMENT_ADDED')).toHaveLength(1);
      // Another kind with the same bytes is another pièce.
      await upload(t, id, instructor, 'OTHER', pdf).expect(201);
    });
  });

  describe('refusals store nothing', () => {
    it('refuses a renamed executable for its content (415), whatever its name and declared type', async () => {
      const { id } = await makeDossier(t, instructor);
      const before = await storedState();
      const res = await t.http().post(docs(id)).set(I()).field('kind', 'REQUEST').attach('file', sampleExe(), { filename: 'devis.pdf', contentType: 'application/pdf' });
      expect(expectProblem(res, 415)).toMatchObject({ detected: 'application/x-msdownload' });
      expect(await storedState()).toEqual(before);
      expect((await get(id)).version).toBe(1);
    });

    it.each([
      ['a plain text file', Buffer.from('Bonjour\nveuillez trouver ci-joint le devis\n'), 'text/plain'],
      ['a ZIP archive', Buffer.from('504b0304140000000000000000000000000000000000000000000000000000', 'hex'), 'application/zip'],
    ])('refuses %s (415, naming it)', async (_what, file, detected) => {
      const { id } = await makeDossier(t, instructor);
      const before = await storedState();
      expect(expectProblem(await upload(t, id, instructor, 'OTHER', file, 'note.pdf'), 415)).toMatchObject({ detected });
      expect(await storedState()).toEqual(before);
    });

    it('takes a CSV file (a table of expenses), sniffed as text/csv', async () => {
      const { id } = await makeDossier(t, instructor);
      const csv = Buffer.from('poste;montant HT\nTravaux;420000\nHonoraires;38000\n', 'latin1');
      expect((await upload(t, id, instructor, 'FINANCING_PLAN', csv, 'budget.csv').expect(201)).body).toMatchObject({ mediaType: 'text/csv', sizeBytes: csv.length });
    });

    it('refuses a file over DOCUMENTS_MAX_BYTES (413), and removes what was written of it', async () => {
      const { id } = await makeDossier(t, instructor);
      const before = await storedState();
      const res = await upload(t, id, instructor, 'OTHER', bigPdf(MAX_BYTES + 1), 'trop-gros.pdf');
      expect(expectProblem(res, 413)).toMatchObject({ maxBytes: MAX_BYTES });
      expect(await storedState()).toEqual(before);
    });

    it('answers 400 for a missing file, an empty one, an unknown kind or two files; 415 for a body that is not multipart', async () => {
      const { id } = await makeDossier(t, instructor);
      const before = await storedState();
      const noFile = expectProblem(await t.http().post(docs(id)).set(I()).field('kind', 'REQUEST'), 400);
      expect(noFile.errors).toEqual([{ field: 'file', message: expect.stringContaining('required') }]);
      expect(expectProblem(await upload(t, id, instructor, 'REQUEST', Buffer.alloc(0), 'vide.pdf'), 400).errors).toEqual([{ field: 'file', message: 'is empty' }]);
      const badKind = expectProblem(await upload(t, id, instructor, 'BROCHURE'), 400);
      expect(badKind.errors).toEqual([{ field: 'kind', message: expect.stringContaining('PROJET_DE_SANTE') }]);
      const two = await t.http().post(docs(id)).set(I()).field('kind', 'OTHER').attach('file', samplePdf('a'), 'a.pdf').attach('file', samplePdf('b'), 'b.pdf');
      expect(two.status).toBe(400);
      expect(expectProblem(await t.http().post(docs(id)).set(I()).send({ kind: 'REQUEST' }), 415)).toMatchObject({ detail: expect.stringContaining('multipart/form-data') });
      expect(await storedState()).toEqual(before);
    });

    it(`refuses more than DOCUMENTS_MAX_PER_DOSSIER (${MAX_PER_DOSSIER}) pièces on a dossier (422), withdrawn ones counted`, async () => {
      const { id } = await makeDossier(t, instructor);
      for (let i = 0; i < MAX_PER_DOSSIER; i++) await upload(t, id, instructor, 'OTHER', samplePdf(`pièce ${i}`)).expect(201);
      const before = await storedState();
      expect(expectProblem(await upload(t, id, instructor, 'OTHER', samplePdf('une de trop')), 422)).toMatchObject({ rule: 'too-many-documents', max: MAX_PER_DOSSIER });
      expect(await storedState()).toEqual(before);
    });

    it('takes no pièce on a withdrawn dossier (409), and still serves its pièces', async () => {
      const { id } = await makeDossier(t, instructor);
      const kept = await upload(t, id, instructor, 'REQUEST').expect(201);
      await t.http().post(`/api/v1/applications/${id}/withdraw`).set(I()).send({ reason: 'Le promoteur renonce' }).expect(200);
      expect(expectProblem(await upload(t, id, instructor, 'OTHER'), 409)).toMatchObject({ currentStatus: 'WITHDRAWN' });
      await content(id, kept.body.id).expect(200);
    });
  });

  describe('versions and withdrawals: kept, never deleted', () => {
    it('replaces a pièce by a new version, keeps the old one readable, and lists the history on demand', async () => {
      const { id } = await makeDossier(t, instructor);
      const v1 = samplePdf('Projet de santé, version de travail');
      const v2 = samplePdf('Projet de santé, version signée');
      const first = (await upload(t, id, instructor, 'PROJET_DE_SANTE', v1, 'pds.pdf', 'Version de travail').expect(201)).body;
      const second = await t
        .http()
        .post(`${docs(id)}/${first.id}/versions`)
        .set(I())
        .attach('file', v2, 'pds-signe.pdf')
        .expect(201);
      expect(second.body).toMatchObject({
        seriesId: first.id,
        version: 2,
        kind: 'PROJET_DE_SANTE',
        label: 'Version de travail',
        filename: 'pds-signe.pdf',
        sha256: sha256(v2),
        current: true,
      });
      expect(second.headers.location).toBe(`/api/v1/applications/${id}/documents/${second.body.id}`);
      expect((await t.http().get(docs(id)).set(I()).expect(200)).body.items.map((d: { id: string }) => d.id)).toEqual([second.body.id]);
      const history = (
        await t
          .http()
          .get(`${docs(id)}?history=true`)
          .set(I())
          .expect(200)
      ).body.items;
      expect(history.map((d: { version: number; current: boolean }) => [d.version, d.current])).toEqual([
        [1, false],
        [2, true],
      ]);
      expect(sha256((await content(id, first.id).expect(200)).body as Buffer)).toBe(sha256(v1));
      // Only the current version is replaced; the pièce is still present for the checklist.
      expect(
        expectProblem(
          await t
            .http()
            .post(`${docs(id)}/${first.id}/versions`)
            .set(I())
            .attach('file', samplePdf('v3'), 'v3.pdf'),
          409,
        ),
      ).toMatchObject({ documentId: first.id });
      expect((await get(id)).checklist.present).toEqual(['PROJET_DE_SANTE']);
      const events = (await t.http().get(`/api/v1/applications/${id}/events`).set(I()).expect(200)).body.items;
      expect(events.at(-1)).toMatchObject({ type: 'DOCUMENT_REPLACED', data: { documentId: second.body.id, version: 2, sha256: sha256(v2) } });
    });

    it('withdraws a pièce with a reason: kept, marked, audited, out of the checklist; twice is 409', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SITE_MEETING_HELD', who());
      const request = (await t.http().get(docs(id)).set(I()).expect(200)).body.items.find((d: { kind: string }) => d.kind === 'REQUEST');
      expect((await get(id)).checklist).toEqual({ nextAction: 'SUBMIT', required: ['REQUEST'], present: ['REQUEST'], missing: [] });
      const versionBefore = (await get(id)).version;
      const res = await t
        .http()
        .post(`${docs(id)}/${request.id}/withdraw`)
        .set(I())
        .send({ reason: 'Demande non signée' })
        .expect(200);
      expect(res.body).toMatchObject({ id: request.id, withdrawn: true, withdrawnReason: 'Demande non signée', withdrawnAt: expect.any(String) });
      const after = await get(id);
      expect(after).toMatchObject({ version: versionBefore + 1, checklist: { nextAction: 'SUBMIT', required: ['REQUEST'], present: [], missing: ['REQUEST'] } });
      expect(expectProblem(await t.http().post(`/api/v1/applications/${id}/submit`).set(I()).send({}), 422)).toMatchObject({ rule: 'missing-pieces', missing: ['REQUEST'] });
      expect(
        expectProblem(
          await t
            .http()
            .post(`${docs(id)}/${request.id}/withdraw`)
            .set(I())
            .send({ reason: 'encore' }),
          409,
        ),
      ).toMatchObject({ documentId: request.id });
      await content(id, request.id).expect(200);
      expect(await t.prisma.applicationDocument.count({ where: { id: request.id } })).toBe(1);
      const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { entityId: id, action: 'application.document.withdraw' } });
      expect(audit.after).toMatchObject({ id: request.id, withdrawn: true, sha256: request.sha256 });
      // The database refuses a deletion too (trigger application_documents_kept).
      await expect(t.prisma.$executeRaw`DELETE FROM application_documents WHERE id = ${request.id}::uuid`).rejects.toThrow(/never deleted/);
      expect(await t.prisma.applicationDocument.count({ where: { id: request.id } })).toBe(1);
    });

    it('records each upload in the audit trail with its SHA-256, and as an event of the dossier', async () => {
      const { id } = await makeDossier(t, instructor);
      const pdf = samplePdf('Convention ACI');
      const doc = (await upload(t, id, instructor, 'CONVENTION', pdf).expect(201)).body;
      const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { entityId: id, action: 'application.document.create' } });
      expect(audit).toMatchObject({ entity: 'application', actorId: instructor.userId, regionCode: '84' });
      expect(audit.after).toMatchObject({ id: doc.id, kind: 'CONVENTION', sha256: sha256(pdf), sizeBytes: pdf.length, mediaType: 'application/pdf' });
      const events = (await t.http().get(`/api/v1/applications/${id}/events`).set(I()).expect(200)).body.items;
      expect(events.at(-1)).toMatchObject({
        type: 'DOCUMENT_ADDED',
        actor: { id: instructor.userId, kind: 'USER' },
        data: { documentId: doc.id, kind: 'CONVENTION', sha256: sha256(pdf) },
      });
    });

    it('takes five concurrent uploads to one dossier, each recorded once, the dossier a version per pièce', async () => {
      const { id } = await makeDossier(t, instructor);
      const files = Array.from({ length: 5 }, (_, i) => samplePdf(`annexe ${i}`));
      const results = await Promise.all(files.map((f, i) => upload(t, id, instructor, 'OTHER', f, `annexe-${i}.pdf`)));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      expect((await get(id)).version).toBe(1 + 5);
      expect((await t.http().get(docs(id)).set(I()).expect(200)).body.items.map((d: { sha256: string }) => d.sha256).sort()).toEqual(files.map(sha256).sort());
    });
  });

  describe('the checklist of each move (seed 002)', () => {
    it('refuses a submission without the request, and without the letter of intent once the ARS asked for it (422 naming each)', async () => {
      const { id } = await makeDossier(t, instructor);
      await t
        .http()
        .post(`/api/v1/applications/${id}/site-meeting`)
        .set(I())
        .send({ heldOn: daysAgo(20), participants: 'ARS, maire', findings: 'OK' })
        .expect(200);
      await t.http().patch(`/api/v1/applications/${id}`).set(I()).send({ letterOfIntentRequested: true }).expect(200);
      expect((await get(id)).checklist).toEqual({ nextAction: 'SUBMIT', required: ['REQUEST', 'LETTER_OF_INTENT'], present: [], missing: ['REQUEST', 'LETTER_OF_INTENT'] });
      const none = expectProblem(
        await t
          .http()
          .post(`/api/v1/applications/${id}/submit`)
          .set(I())
          .send({ receivedOn: daysAgo(10) }),
        422,
      );
      expect(none).toMatchObject({ rule: 'missing-pieces', required: ['REQUEST', 'LETTER_OF_INTENT'], missing: ['REQUEST', 'LETTER_OF_INTENT'] });
      expect(none.detail).toContain('REQUEST, LETTER_OF_INTENT');
      await upload(t, id, instructor, 'REQUEST').expect(201);
      expect(
        expectProblem(
          await t
            .http()
            .post(`/api/v1/applications/${id}/submit`)
            .set(I())
            .send({ receivedOn: daysAgo(10) }),
          422,
        ),
      ).toMatchObject({ missing: ['LETTER_OF_INTENT'] });
      await upload(t, id, instructor, 'LETTER_OF_INTENT').expect(201);
      const submitted = (
        await t
          .http()
          .post(`/api/v1/applications/${id}/submit`)
          .set(I())
          .send({ receivedOn: daysAgo(10) })
          .expect(200)
      ).body;
      expect(submitted).toMatchObject({ status: 'SUBMITTED', checklist: { nextAction: 'SCHEDULE_OPINION', required: [], missing: [] } });
    });

    it("asks a centre de santé's deliverables for its règlement de fonctionnement too, and step 3 for the coordination deliverable and the convention", async () => {
      const { id } = await makeDossier(t, instructor, { kind: 'CDS_POLYVALENT', convention: 'ACI' });
      await advance(t, id, 'AWAITING_DECISION', who());
      await t
        .http()
        .post(`/api/v1/applications/${id}/decision`)
        .set('Authorization', director.auth)
        .send({ outcome: 'APPROVED', decidedOn: daysAgo(30) })
        .expect(200);
      await upload(t, id, instructor, 'PROJET_DE_SANTE').expect(201);
      await upload(t, id, instructor, 'ENGAGEMENT_CONFORMITE').expect(201);
      const refused = expectProblem(
        await t
          .http()
          .post(`/api/v1/applications/${id}/deliverables`)
          .set(I())
          .send({ receivedOn: daysAgo(20) }),
        422,
      );
      expect(refused).toMatchObject({ rule: 'missing-pieces', missing: ['REGLEMENT_FONCTIONNEMENT'] });
      expect((await get(id)).deliverablesReceivedOn).toBeNull();
      await upload(t, id, instructor, 'REGLEMENT_FONCTIONNEMENT').expect(201);
      await t
        .http()
        .post(`/api/v1/applications/${id}/deliverables`)
        .set(I())
        .send({ receivedOn: daysAgo(20) })
        .expect(200);
      await advance(t, id, 'STEP3_IN_PROGRESS', who());
      // advance() leaves the next move's pièces ready: withdraw the convention to see the refusal.
      const convention = (await t.http().get(docs(id)).set(I()).expect(200)).body.items.find((d: { kind: string }) => d.kind === 'CONVENTION');
      await t
        .http()
        .post(`${docs(id)}/${convention.id}/withdraw`)
        .set(I())
        .send({ reason: 'Convention non signée' })
        .expect(200);
      expect(expectProblem(await t.http().post(`/api/v1/applications/${id}/complete`).set(I()).send({ summary: 'Coordination en place' }), 422)).toMatchObject({
        missing: ['CONVENTION'],
      });
      await upload(t, id, instructor, 'CONVENTION', samplePdf('Convention ACI signée')).expect(201);
      await t.http().post(`/api/v1/applications/${id}/complete`).set(I()).send({ summary: 'Coordination en place' }).expect(200);
    });
  });

  describe('who reads the pièces', () => {
    it('lets the partners of the dossier’s territory download its pièces, not another département’s, and no reporting key', async () => {
      const { id } = await makeDossier(t, instructor, { commune: { inseeCode: '43777', departmentCode: '43' } });
      const pdf = samplePdf('Projet de santé');
      const doc = (await upload(t, id, instructor, 'PROJET_DE_SANTE', pdf).expect(201)).body;
      const region = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
      const p43 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] });
      const p74 = await actor(t, 'PARTNER', { type: 'CONSEIL_DEPARTEMENTAL', departmentCode: '74', funders: ['DEPARTEMENT'] });
      for (const partner of [region, p43, auditor]) {
        expect(sha256((await content(id, doc.id, partner).expect(200)).body as Buffer)).toBe(sha256(pdf));
        expect((await t.http().get(docs(id)).set('Authorization', partner.auth).expect(200)).body.items).toHaveLength(1);
      }
      expectProblem(await content(id, doc.id, p74), 404);
      expectProblem(await t.http().get(docs(id)).set('Authorization', p74.auth), 404);
      // Partners read; they do not upload, replace or withdraw.
      expectProblem(await upload(t, id, p43, 'OTHER'), 403);
      expectProblem(
        await t
          .http()
          .post(`${docs(id)}/${doc.id}/withdraw`)
          .set('Authorization', p43.auth)
          .send({ reason: 'x' }),
        403,
      );
      const admin = await actor(t, 'ADMIN');
      const key = (
        await t.http().post('/api/v1/api-keys').set('Authorization', admin.auth).send({ name: 'nightly', role: 'REPORTING', organizationId: admin.organizationId }).expect(201)
      ).body.key;
      expectProblem(
        await t
          .http()
          .get(`${docs(id)}/${doc.id}/content`)
          .set('X-API-Key', key),
        403,
      );
    });
  });

  describe('internal notes', () => {
    it('lets ARS staff write and read notes, with author and time, audited; a partner sees none (404)', async () => {
      const { id } = await makeDossier(t, instructor);
      const note = await t
        .http()
        .post(`/api/v1/applications/${id}/notes`)
        .set(I())
        .send({ text: 'Le maire confirme le local au 1er mars ; relancer pour la convention ACI.' })
        .expect(201);
      expect(note.body).toMatchObject({
        applicationId: id,
        text: 'Le maire confirme le local au 1er mars ; relancer pour la convention ACI.',
        author: { id: instructor.userId, kind: 'USER' },
      });
      await t.http().post(`/api/v1/applications/${id}/notes`).set('Authorization', director.auth).send({ text: 'Vu.' }).expect(201);
      for (const reader of [instructor, director, auditor]) {
        const page = (await t.http().get(`/api/v1/applications/${id}/notes`).set('Authorization', reader.auth).expect(200)).body;
        expect(page.items.map((n: { text: string }) => n.text)).toEqual(['Le maire confirme le local au 1er mars ; relancer pour la convention ACI.', 'Vu.']);
      }
      const region = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
      expectProblem(await t.http().get(`/api/v1/applications/${id}/notes`).set('Authorization', region.auth), 404);
      // The partner reads the dossier itself, without the notes anywhere in it.
      expect(JSON.stringify(await get(id, region))).not.toContain('Le maire confirme');
      expect(await t.prisma.auditLog.count({ where: { entity: 'application_note', action: 'application_note.create', regionCode: '84' } })).toBeGreaterThanOrEqual(2);
      expect(expectProblem(await t.http().post(`/api/v1/applications/${id}/notes`).set(I()).send({ text: '   ' }), 400).errors).toEqual([
        { field: 'text', message: 'must not be blank' },
      ]);
      expect(
        expectProblem(
          await t
            .http()
            .post(`/api/v1/applications/${id}/notes`)
            .set(I())
            .send({ text: 'x'.repeat(2001) }),
          400,
        ).errors?.[0],
      ).toMatchObject({ field: 'text' });
      expectProblem(await t.http().post(`/api/v1/applications/${id}/notes`).set('Authorization', auditor.auth).send({ text: 'non' }), 403);
    });
  });

  describe('the deadlines report', () => {
    it('lists as MISSING_PIECE a dossier waiting more than 30 days for a required pièce, naming it; not one waiting 29 days, nor one that has it', async () => {
      const admin = await actor(t, 'ADMIN');
      const waiting = async (days: number, pieces: string[], letterOfIntent = false) => {
        const { id } = await makeDossier(t, instructor, { commune: { departmentCode: '43' } });
        await t
          .http()
          .post(`/api/v1/applications/${id}/site-meeting`)
          .set(I())
          .send({ heldOn: daysAgo(days), participants: 'ARS', findings: 'OK' })
          .expect(200);
        if (letterOfIntent) await t.http().patch(`/api/v1/applications/${id}`).set(I()).send({ letterOfIntentRequested: true }).expect(200);
        for (const kind of pieces) await upload(t, id, instructor, kind).expect(201);
        // The dossier entered SITE_MEETING_HELD `days` calendar days ago in Paris (and nothing of it
        // moved since): at 10:00 UTC of that day, which is that day in Paris whatever the offset.
        // (Now minus `days` × 24 h is another Paris day across a change of time, late in the evening.)
        const day = new Date(Date.parse(`${today()}T12:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
        const at = new Date(`${day}T10:00:00Z`);
        await t.prisma.applicationEvent.updateMany({ where: { applicationId: id, toStatus: 'SITE_MEETING_HELD' }, data: { at } });
        return id;
      };
      const late = await waiting(45, ['REQUEST'], true);
      const early = await waiting(29, []);
      const complete = await waiting(60, ['REQUEST']);
      const key = (
        await t.http().post('/api/v1/api-keys').set('Authorization', admin.auth).send({ name: 'nightly', role: 'REPORTING', organizationId: admin.organizationId }).expect(201)
      ).body.key;
      const run = (await t.http().post('/api/v1/reports/runs').set('X-API-Key', key).send({ type: 'DEADLINES', date: today() }).expect(202)).body.items[0];
      let done: { status: string; rows: Record<string, unknown>[] } | undefined;
      for (let i = 0; i < 100 && done?.status !== 'SUCCEEDED'; i++) {
        done = (await t.http().get(`/api/v1/reports/runs/${run.id}`).set('X-API-Key', key).expect(200)).body;
        if (done?.status !== 'SUCCEEDED') await new Promise((r) => setTimeout(r, 200));
      }
      const missing = done!.rows.filter((r) => r.reason === 'MISSING_PIECE');
      const ids = missing.map((r) => r.applicationId);
      expect(ids).toContain(late);
      expect(ids).not.toContain(early);
      expect(ids).not.toContain(complete);
      expect(missing.find((r) => r.applicationId === late)).toMatchObject({ departmentCode: '43', missingPieces: 'LETTER_OF_INTENT', daysLate: 15 });
    });
  });

  describe('what a crash leaves', () => {
    it('sweeps the objects of uploads begun over an hour ago and never recorded, and never one a pièce holds', async () => {
      const { id } = await makeDossier(t, instructor);
      const kept = (await upload(t, id, instructor, 'OTHER').expect(201)).body;
      const keptRow = await t.prisma.applicationDocument.findUniqueOrThrow({ where: { id: kept.id } });
      const orphan = randomUUID();
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      await t.prisma.documentUpload.createMany({
        data: [
          { key: orphan, storage: 'POSTGRES', startedAt: twoHoursAgo },
          { key: keptRow.storageKey, storage: 'POSTGRES', startedAt: twoHoursAgo },
        ],
      });
      await t.prisma.documentChunk.createMany({ data: [0, 1].map((seq) => ({ key: orphan, seq, data: Buffer.alloc(16, seq) })) });
      // An upload under way (begun a minute ago) is left alone.
      const running = randomUUID();
      await t.prisma.documentUpload.create({ data: { key: running, storage: 'POSTGRES', startedAt: new Date(Date.now() - 60_000) } });
      await t.prisma.documentChunk.create({ data: { key: running, seq: 0, data: Buffer.alloc(16) } });

      expect(await t.app.get(DocumentsService).sweep(new Date(Date.now() - 3600_000))).toBe(2);
      expect(await t.prisma.documentChunk.count({ where: { key: orphan } })).toBe(0);
      expect(await t.prisma.documentChunk.count({ where: { key: running } })).toBe(1);
      expect(await t.prisma.documentUpload.findMany({ where: { key: { in: [orphan, keptRow.storageKey, running] } }, select: { key: true } })).toEqual([{ key: running }]);
      await content(id, kept.id).expect(200);
    });
  });
});
