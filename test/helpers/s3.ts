// A real S3 API for the tests: s3rver (a Koa server storing on disk) on a free port of 127.0.0.1,
// in a directory of its own under .data/ (removed on close), with the bucket `test-documents`.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { S3Config } from '../../src/config/config.js';

/** What the tests use of s3rver 3.7.1 (CommonJS, untyped). */
interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}
interface S3rver {
  /** Koa's middleware list: composed when the server starts listening. */
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
interface KoaContext {
  method: string;
  url: string;
  res: ServerResponse;
}
type S3rverClass = new (options: S3rverOptions) => S3rver;
interface StoredObject {
  content: Readable | null;
  range?: { start: number; end: number };
}
interface FilesystemStore {
  // A property, not a method: it is replaced below, and called with its store as `this`.
  getObject: (bucket: string, key: string, options?: { start?: number; end?: number }) => Promise<StoredObject | null>;
  getResourcePath(bucket: string, key: string, resource: string): string;
}

export interface S3Request {
  method: string;
  url: string;
  status: number;
}

export interface S3TestServer {
  config: S3Config;
  /** Every request the server answered, in order: what the client actually asked of S3. */
  requests: S3Request[];
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

let rangeFixed = false;
/**
 * s3rver 3.7.1 reads `Range: bytes=0-0` (the first byte) as `bytes=0-` (`options.end || Infinity`)
 * and serves the whole object: its store reopens the file for that one byte here. Real S3 does not
 * need this; the store's range check would refuse the whole object rather than pass it on.
 */
function fixFirstByteRange(): void {
  if (rangeFixed) return;
  rangeFixed = true;
  const store = (require('s3rver/lib/stores/filesystem') as { prototype: FilesystemStore }).prototype;
  const getObject = store.getObject;
  store.getObject = async function (this: FilesystemStore, bucket, key, options) {
    const object = await getObject.call(this, bucket, key, options);
    if (options?.end === 0 && object?.content && object.range?.start === 0) {
      object.content.destroy();
      object.content = createReadStream(this.getResourcePath(bucket, key, 'object'), { start: 0, end: 0 });
      object.range.end = 0;
    }
    return object;
  };
}

export async function startS3(): Promise<S3TestServer> {
  const S3rver = require('s3rver') as S3rverClass;
  fixFirstByteRange();
  const bucket = 'test-documents';
  const directory = join(process.cwd(), '.data', `s3rver-${randomBytes(6).toString('hex')}`);
  // s3rver creates the directory (and the bucket's) itself.
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const requests: S3Request[] = [];
  // First in the chain, and read when the response is over: s3rver's errors are answered by Koa's onerror, after the middleware.
  server.middleware.unshift((ctx, next) => {
    const { method, url } = ctx;
    ctx.res.once('close', () => requests.push({ method, url, status: ctx.res.statusCode }));
    return next();
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    config: {
      endpoint: `http://127.0.0.1:${address.port}`,
      region: 'us-east-1',
      bucket,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    requests,
    close: async () => {
      try {
        await server.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}
