// Where the bytes of the pièces live, behind one interface: PostgreSQL by default (chunks of
// 1 MiB through pg: nothing to set up, works with the embedded database), or any S3 API when
// configured. Both stream both ways: memory stays flat whatever the file's size.
import type { Readable } from 'node:stream';

export type StorageKind = 'postgres' | 's3';

/** An inclusive byte range of a stored object (as HTTP's Range). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  readonly kind: StorageKind;
  /**
   * Writes the object `key` from `content`, to its end. On any failure (the source's included),
   * what was written of it is removed before the promise rejects: no partial object is left.
   */
  put(key: string, content: AsyncIterable<Buffer>): Promise<void>;
  /** The object's bytes (a range of them when given), streamed. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes the object; a key that is not there is no error. */
  delete(key: string): Promise<void>;
}

export const BLOB_STORE = Symbol('BLOB_STORE');
