// The S3 store of the pièces against a real S3 API (s3rver): streamed multipart writes read back
// byte for byte, ranges, and a failed write that leaves nothing behind.
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { S3BlobStore } from '../../src/documents/storage/s3-blob-store.js';
import { startS3, type S3Request, type S3TestServer } from '../helpers/s3.js';

const MiB = 1_048_576;
const CHUNK = 64 * 1024;

/** `data` in 64 KiB chunks, as an upload arrives; throws `fail.error` once `fail.at` bytes are given. */
async function* chunks(data: Buffer, fail?: { at: number; error: Error }): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += CHUNK) {
    if (fail && at >= fail.at) throw fail.error;
    // A copy, as a socket gives: the store must not rely on the chunks sharing one buffer.
    yield Buffer.from(data.subarray(at, at + CHUNK));
    await Promise.resolve();
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('S3BlobStore (s3rver)', () => {
  let s3: S3TestServer;
  let store: S3BlobStore;
  const of = (key: string) => (r: S3Request) => r.url.startsWith(`/test-documents/${key}?`);
  beforeAll(async () => {
    s3 = await startS3();
    store = new S3BlobStore(s3.config);
  });
  afterAll(async () => {
    store?.close();
    await s3?.close();
  });

  it('is the s3 kind', () => {
    expect(store.kind).toBe('s3');
  });

  describe('a 12 MiB pièce', () => {
    const data = randomBytes(12 * MiB);
    const key = 'dossiers/0197a3b2-7c41-7e3a-9f10-2b6d8e4c5a01/pieces/devis.pdf';
    beforeAll(() => store.put(key, chunks(data)));

    it('is written in 5 MiB parts, one at a time, and read back byte for byte', async () => {
      const requests = s3.requests.filter(of(key));
      expect(requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 200', 'PUT 200', 'PUT 200', 'PUT 200', 'POST 200']);
      expect(requests.filter((r) => /[?&]partNumber=\d+/.test(r.url)).map((r) => /partNumber=(\d+)/.exec(r.url)![1])).toEqual(['1', '2', '3']);
      const back = await readAll(await store.get(key));
      expect(back.length).toBe(data.length);
      expect(sha256(back)).toBe(sha256(data));
    });

    it('serves ranges: the first byte, a middle range, the last byte', async () => {
      const last = data.length - 1;
      for (const range of [
        { start: 0, end: 0 },
        { start: 5 * MiB - 10, end: 7 * MiB + 12_345 },
        { start: last, end: last },
      ]) {
        const back = await readAll(await store.get(key, range));
        expect({ range, length: back.length }).toEqual({ range, length: range.end - range.start + 1 });
        expect(back.equals(data.subarray(range.start, range.end + 1))).toBe(true);
      }
    });

    it('deletes it', async () => {
      await store.delete(key);
      await expect(store.get(key)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  it('writes a small pièce in one PutObject, and an empty one', async () => {
    const small = randomBytes(100_000);
    await store.put('small', chunks(small));
    expect(s3.requests.filter(of('small')).map((r) => `${r.method} ${r.status}`)).toEqual(['PUT 200']);
    expect((await readAll(await store.get('small'))).equals(small)).toBe(true);
    await store.put('empty', chunks(Buffer.alloc(0)));
    expect((await readAll(await store.get('empty'))).length).toBe(0);
  });

  it('on a source failing after 7 MiB: rejects with that error, aborts the multipart upload and leaves no object', async () => {
    const key = 'dossiers/failing/pieces/statuts.pdf';
    const failure = new Error('client went away');
    await expect(store.put(key, chunks(randomBytes(12 * MiB), { at: 7 * MiB, error: failure }))).rejects.toBe(failure);
    await expect(store.get(key)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // s3rver implements neither ListMultipartUploads nor AbortMultipartUpload (it answers 405):
    // its request log shows the store asked to abort the very upload it started, and never completed it.
    const requests = s3.requests.filter(of(key));
    const uploadId = /[?&]uploadId=([^&]+)/.exec(requests.find((r) => r.method === 'PUT')!.url)![1];
    expect(requests.map((r) => `${r.method} ${r.url.replace(/\?.*/, '')}${/[?&]uploadId=/.test(r.url) ? ' upload' : ''}`)).toEqual([
      `POST /test-documents/${key}`, // CreateMultipartUpload
      `PUT /test-documents/${key} upload`, // part 1: 5 MiB; part 2 never completes
      `DELETE /test-documents/${key} upload`, // AbortMultipartUpload
      `DELETE /test-documents/${key}`, // DeleteObject, best effort
      `GET /test-documents/${key}`,
    ]);
    expect(requests[2].url).toContain(`uploadId=${uploadId}`);
  });

  it('on a source failing before the first part: rejects with that error and has written nothing', async () => {
    const key = 'dossiers/failing/pieces/early.pdf';
    const failure = new Error('payload too large');
    await expect(store.put(key, chunks(randomBytes(3 * MiB), { at: MiB, error: failure }))).rejects.toBe(failure);
    expect(s3.requests.filter(of(key)).map((r) => r.method)).toEqual(['DELETE']);
    await expect(store.get(key)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deletes a missing key without error, and a missing key is NOT_FOUND', async () => {
    await expect(store.delete('never/written')).resolves.toBeUndefined();
    await expect(store.get('never/written')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('never/written') });
    await expect(store.get('never/written', { start: 0, end: 9 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
