// The pièces in any S3 API (AWS, Scaleway, OVHcloud, MinIO, Garage…). Writes go through
// lib-storage's multipart Upload one 5 MiB part at a time: memory stays near two parts whatever
// the file's size, and a failed write leaves neither an object nor an unfinished upload behind.
import { AbortMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import type { S3Config } from '../../config/config.js';
import type { BlobStore, ByteRange } from './blob-store.js';

/** S3's smallest part (all parts but the last): the least memory a streamed upload can hold. */
const PART_SIZE = 5 * 1_048_576;

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(config: S3Config) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
      // The SDK's default CRC32 checksums (aws-chunked bodies, checksum headers) are refused or
      // misread by many S3-compatible servers (s3rver, older MinIO/Ceph): only when an operation requires one.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, content: AsyncIterable<Buffer>): Promise<void> {
    const body = Readable.from(content);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body },
      queueSize: 1,
      partSize: PART_SIZE,
      // lib-storage's own abort would replace the original error with the abort's when that fails:
      // the clean-up is ours, below, and the caller gets the error that stopped the write.
      leavePartsOnError: true,
    });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      // Best effort on both: the write already failed, its error is the one that matters.
      if (upload.uploadId) {
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: upload.uploadId })).catch(() => undefined);
      }
      // A completion that failed on the way back may still have created the object.
      await this.delete(key).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    let out;
    try {
      out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') throw Object.assign(new Error(`No stored object "${key}"`), { code: 'NOT_FOUND', cause: error });
      throw error;
    }
    const stream = out.Body;
    if (!(stream instanceof Readable)) throw new Error(`S3 GetObject "${key}" gave no Node stream`);
    if (range) {
      // Callers announce the range's length before streaming it: other bytes than asked must not go out.
      const served = /^bytes (\d+)-(\d+)\//.exec(out.ContentRange ?? '');
      if (!served || Number(served[1]) !== range.start || Number(served[2]) > range.end) {
        stream.destroy();
        throw new Error(`S3 GetObject "${key}" served range "${out.ContentRange ?? 'none'}" for bytes=${range.start}-${range.end}`);
      }
    }
    return stream;
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 whether or not the key was there.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Nest calls it at shutdown (the provider's instance). */
  onModuleDestroy(): void {
    this.close();
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy();
  }
}
