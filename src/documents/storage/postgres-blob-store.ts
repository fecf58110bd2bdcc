import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { Repository } from '../../database/repository.js';
import type { BlobStore, ByteRange } from './blob-store.js';

/** Every chunk but an object's last holds exactly this many bytes: a range finds its first chunk by division. */
export const CHUNK_BYTES = 1024 * 1024;
/** What a read asks of a chunk at a time. */
const SLICE_BYTES = 256 * 1024;

/**
 * The pièces' bytes in PostgreSQL: rows of 1 MiB (`document_chunks`), written and read one at
 * a time through pg (Prisma cannot stream `bytea`), each statement on its own: an upload holds
 * no transaction open while the client sends. The `document_uploads` ledger and the document
 * row, not a transaction, make the write all or nothing (DocumentsService).
 */
@Injectable()
export class PostgresBlobStore extends Repository implements BlobStore {
  readonly kind = 'postgres' as const;

  async put(key: string, content: AsyncIterable<Buffer>): Promise<void> {
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (chunk: Buffer) => {
      await this.sqlCount`insert into document_chunks (key, seq, data) values (${key}::uuid, ${seq}, ${chunk})`;
      seq++;
    };
    try {
      for await (const piece of content) {
        pending.push(piece);
        pendingBytes += piece.length;
        while (pendingBytes >= CHUNK_BYTES) {
          const joined = Buffer.concat(pending, pendingBytes);
          await flush(joined.subarray(0, CHUNK_BYTES));
          const rest = joined.subarray(CHUNK_BYTES);
          pending = rest.length ? [Buffer.from(rest)] : [];
          pendingBytes = rest.length;
        }
      }
      if (pendingBytes > 0 || seq === 0) await flush(Buffer.concat(pending, pendingBytes));
    } catch (error) {
      await this.delete(key).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const end = range?.end ?? Number.MAX_SAFE_INTEGER;
    // Read in slices of 256 KiB (substring of a chunk stored out of line reads only its pieces):
    // a whole 1 MiB row arrives as 2 MiB of hex text through pg's doubling buffer, ten times the
    // bytes served in garbage (bench/results/2026-12-02-documents.md).
    const slice = async (position: number): Promise<{ data: Buffer | undefined; asked: number }> => {
      const seq = Math.floor(position / CHUNK_BYTES);
      const from = position - seq * CHUNK_BYTES;
      const asked = Math.min(SLICE_BYTES, CHUNK_BYTES - from, end - position + 1);
      const [row] = await this.sql<{
        data: Buffer;
      }>`select substring(data from ${from + 1}::int for ${asked}::int) as data from document_chunks where key = ${key}::uuid and seq = ${seq}`;
      return { data: row?.data, asked };
    };
    // The first slice read before answering: a missing object fails before any header is sent.
    const start = range?.start ?? 0;
    const first = await slice(start);
    if (!first.data) throw Object.assign(new Error(`no stored object ${key}`), { code: 'NOT_FOUND' });
    async function* slices() {
      let position = start;
      for (let s = first; s.data?.length; s = await slice(position)) {
        yield s.data;
        position += s.data.length;
        // A slice shorter than asked ended the object (its last chunk); past `end`, the range is done.
        if (s.data.length < s.asked || position > end) return;
      }
    }
    return Readable.from(slices(), { objectMode: false });
  }

  async delete(key: string): Promise<void> {
    await this.sqlCount`delete from document_chunks where key = ${key}::uuid`;
  }
}
