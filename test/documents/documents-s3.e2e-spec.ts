// The pièces of a dossier through the real API with their bytes in a real S3 API (s3rver):
// uploads streamed in parts, downloads and ranges byte for byte, refusals that leave nothing
// in the bucket nor in the ledger, and the sweep of what a crashed upload left.
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DocumentsService } from '../../src/documents/documents.service.js';
import { bytes, startTestApp, type TestApp } from '../helpers/app.js';
import { samplePdf, samplePng, sampleExe, sha256, upload } from '../helpers/documents.js';
import { makeDossier } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';
import { startS3, type S3TestServer } from '../helpers/s3.js';

const MiB = 1_048_576;

/** `size` bytes starting with a PDF header, the rest from a seeded generator (xorshift32): incompressible, and the same at every run. */
function bigPdf(size: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  out.write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 0, 'latin1');
  return out;
}

describe('documents stored in S3 (s3rver)', () => {
  let s3: S3TestServer;
  let client: S3Client;
  let t: TestApp;
  let instructor: Actor;
  let dossier: string;
  const I = () => ({ Authorization: instructor.auth });
  const documents = () => `/api/v1/applications/${dossier}/documents`;
  const download = (id: string) => t.http().get(`${documents()}/${id}/content`).set(I()).buffer(true).parse(bytes);

  /** The keys of the bucket, sorted. */
  const keys = async (): Promise<string[]> => {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: s3.config.bucket, ContinuationToken: token }));
      out.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  };
  const head = (key: string) => client.send(new HeadObjectCommand({ Bucket: s3.config.bucket, Key: key }));
  /** The S3 requests made for `key` since `from` (index in the request log). */
  const requestsFor = (key: string, from = 0) => s3.requests.slice(from).filter((r) => r.url.startsWith(`/${s3.config.bucket}/${key}?`) || r.url === `/${s3.config.bucket}/${key}`);

  beforeAll(async () => {
    s3 = await startS3();
    client = new S3Client({
      endpoint: s3.config.endpoint,
      region: s3.config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.config.accessKeyId!, secretAccessKey: s3.config.secretAccessKey! },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    t = await startTestApp({
      RATE_LIMIT_PER_MINUTE: '0',
      DOCUMENTS_STORAGE: 's3',
      S3_ENDPOINT: s3.config.endpoint!,
      S3_BUCKET: s3.config.bucket,
      S3_REGION: s3.config.region,
      S3_ACCESS_KEY_ID: s3.config.accessKeyId!,
      S3_SECRET_ACCESS_KEY: s3.config.secretAccessKey!,
      S3_FORCE_PATH_STYLE: 'true',
      DOCUMENTS_MAX_BYTES: String(12 * MiB),
    });
    instructor = await actor(t, 'INSTRUCTOR');
    dossier = (await makeDossier(t, instructor)).id;
  });
  afterAll(async () => {
    client?.destroy();
    await t?.close();
    await s3?.close();
  });

  it('stores a PDF and a PNG as S3 objects, sniffed, and gives them back byte for byte', async () => {
    const pdf = samplePdf('Devis des travaux');
    const png = samplePng(120, 80);
    const a = await upload(t, dossier, instructor, 'REQUEST', pdf, 'demande.pdf').expect(201);
    expect(a.body).toMatchObject({ kind: 'REQUEST', mediaType: 'application/pdf', sizeBytes: pdf.length, sha256: sha256(pdf), version: 1 });
    // The client's word on the type is not taken: a PNG named .pdf, sent as application/pdf, is a PNG.
    const b = await t.http().post(documents()).set(I()).field('kind', 'OTHER').attach('file', png, { filename: 'x.pdf', contentType: 'application/pdf' }).expect(201);
    expect(b.body).toMatchObject({ kind: 'OTHER', mediaType: 'image/png', sizeBytes: png.length, sha256: sha256(png) });

    for (const [doc, bytes, type] of [
      [a.body, pdf, 'application/pdf'],
      [b.body, png, 'image/png'],
    ] as const) {
      const res = await download(doc.id).expect(200);
      expect(res.headers['content-type']).toBe(type);
      expect(res.headers.etag).toBe(`"${sha256(bytes)}"`);
      expect(Buffer.compare(res.body as Buffer, bytes)).toBe(0);
      expect(sha256(res.body as Buffer)).toBe(doc.sha256);

      const row = await t.prisma.applicationDocument.findUniqueOrThrow({ where: { id: doc.id } });
      expect(row).toMatchObject({ storage: 'S3', sha256: sha256(bytes), sizeBytes: BigInt(bytes.length), mediaType: type });
      const object = await head(row.storageKey);
      expect(object.ContentLength).toBe(bytes.length);
    }
    const rows = await t.prisma.applicationDocument.findMany({ where: { id: { in: [a.body.id, b.body.id] } } });
    expect(await keys()).toEqual(expect.arrayContaining(rows.map((r) => r.storageKey)));
    // Nothing of them went to PostgreSQL's store, and both uploads left the ledger.
    expect(await t.prisma.documentChunk.count()).toBe(0);
    expect(await t.prisma.documentUpload.count()).toBe(0);
  });

  it('streams an 11 MiB pièce in several parts, gives it back whole and serves a range of it', async () => {
    const big = bigPdf(11 * MiB);
    const from = s3.requests.length;
    const res = await upload(t, dossier, instructor, 'PROJET_DE_SANTE', big, 'devis.pdf').expect(201);
    expect(res.body).toMatchObject({ mediaType: 'application/pdf', sizeBytes: big.length, sha256: sha256(big) });
    const row = await t.prisma.applicationDocument.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.storage).toBe('S3');
    // 5 MiB parts: 5 + 5 + 1.
    const parts = requestsFor(row.storageKey, from)
      .map((r) => /[?&]partNumber=(\d+)/.exec(r.url)?.[1])
      .filter(Boolean);
    expect(parts).toEqual(['1', '2', '3']);
    expect((await head(row.storageKey)).ContentLength).toBe(big.length);

    const whole = await download(res.body.id).expect(200);
    expect(whole.headers['content-length']).toBe(String(big.length));
    expect((whole.body as Buffer).length).toBe(big.length);
    expect(sha256(whole.body as Buffer)).toBe(sha256(big));

    const part = await download(res.body.id).set('Range', 'bytes=6000000-6000099').expect(206);
    expect(part.headers['content-range']).toBe(`bytes 6000000-6000099/${big.length}`);
    expect(part.headers['content-length']).toBe('100');
    expect(Buffer.compare(part.body as Buffer, big.subarray(6_000_000, 6_000_100))).toBe(0);
    expect(await t.prisma.documentChunk.count()).toBe(0);
  });

  it('refuses a renamed executable (415, naming what it is): nothing in the bucket, the ledger or the dossier', async () => {
    const before = await keys();
    const documentsBefore = await t.prisma.applicationDocument.count();
    const res = await upload(t, dossier, instructor, 'PROJET_DE_SANTE', sampleExe(), 'devis.pdf');
    const problem = expectProblem(res, 415);
    expect(problem).toMatchObject({ detected: 'application/x-msdownload' });
    expect(problem.detail).toContain('application/x-msdownload');
    expect(await keys()).toEqual(before);
    expect(await t.prisma.applicationDocument.count()).toBe(documentsBefore);
    expect(await t.prisma.documentUpload.count()).toBe(0);
  });

  it('refuses a file over DOCUMENTS_MAX_BYTES (413): its parts aborted, nothing in the bucket, the ledger or the dossier', async () => {
    const before = await keys();
    const documentsBefore = await t.prisma.applicationDocument.count();
    const from = s3.requests.length;
    const res = await upload(t, dossier, instructor, 'PROJET_DE_SANTE', bigPdf(13 * MiB, 7), 'devis-complet.pdf');
    const problem = expectProblem(res, 413);
    expect(problem).toMatchObject({ maxBytes: 12 * MiB });
    expect(await keys()).toEqual(before);
    expect(await t.prisma.applicationDocument.count()).toBe(documentsBefore);
    expect(await t.prisma.documentUpload.count()).toBe(0);
    // The multipart upload begun for it was aborted, never completed. s3rver 3.7.1 implements no
    // AbortMultipartUpload (it answers 405): its request log shows the abort asked for that very upload.
    const created = s3.requests.slice(from).find((r) => r.method === 'POST' && /[?&]uploads=/.test(r.url));
    expect(created).toBeDefined();
    const key = /^\/[^/]+\/([^?]+)/.exec(created!.url)![1];
    const uploadId = /[?&]uploadId=([^&]+)/.exec(requestsFor(key, from).find((r) => r.method === 'PUT')!.url)![1];
    const asked = requestsFor(key, from).map((r) => `${r.method}${/[?&]uploadId=/.test(r.url) ? ' upload' : ''}`);
    expect(asked).toContain('DELETE upload');
    expect(asked).not.toContain('POST upload'); // CompleteMultipartUpload
    expect(requestsFor(key, from).find((r) => r.method === 'DELETE' && /[?&]uploadId=/.test(r.url))!.url).toContain(`uploadId=${uploadId}`);
    await expect(head(key)).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('sweeps an object a crashed upload left, never one a pièce holds', async () => {
    const sweeper = t.app.get(DocumentsService);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const bucket = s3.config.bucket;

    // What a crash leaves: an object and its ledger row, no document.
    const orphan = randomUUID();
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: orphan, Body: bigPdf(4096, 3) }));
    await t.prisma.documentUpload.create({ data: { key: orphan, storage: 'S3', startedAt: twoHoursAgo } });
    // An upload under way (begun just now) is not the sweep's.
    const running = randomUUID();
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: running, Body: bigPdf(4096, 5) }));
    await t.prisma.documentUpload.create({ data: { key: running, storage: 'S3' } });

    expect(await sweeper.sweep(new Date(Date.now() - 3600_000))).toBe(1);
    expect(await keys()).not.toContain(orphan);
    await expect(head(orphan)).rejects.toMatchObject({ name: 'NotFound' });
    expect(await t.prisma.documentUpload.findUnique({ where: { key: orphan } })).toBeNull();
    expect(await keys()).toContain(running);
    expect(await t.prisma.documentUpload.findUnique({ where: { key: running } })).not.toBeNull();

    // A stale ledger row for an object a pièce holds: the row goes, the object stays.
    const pdf = samplePdf('Plan de financement');
    const held = await upload(t, dossier, instructor, 'FINANCING_PLAN', pdf, 'plan.pdf').expect(201);
    const { storageKey } = await t.prisma.applicationDocument.findUniqueOrThrow({ where: { id: held.body.id } });
    await t.prisma.documentUpload.create({ data: { key: storageKey, storage: 'S3', startedAt: twoHoursAgo } });
    expect(await sweeper.sweep(new Date(Date.now() - 3600_000))).toBe(1);
    expect(await t.prisma.documentUpload.findUnique({ where: { key: storageKey } })).toBeNull();
    expect(await keys()).toContain(storageKey);
    const back = await download(held.body.id).expect(200);
    expect(Buffer.compare(back.body as Buffer, pdf)).toBe(0);

    // Tidy: the running upload is not a pièce either.
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: running }));
    await t.prisma.documentUpload.delete({ where: { key: running } });
  });
});
