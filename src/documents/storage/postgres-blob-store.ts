import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { Repository } from '../../database/repository.js';
import type { BlobStore, ByteRange } from './blob-store.js';

/** Every chunk but an object's last holds exactly this many bytes: a range finds its first chunk by division. */
export const CHUNK_BYTES = 1024 * 1024;

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
    const start = range?.start ?? 0;
    const end = range?.end ?? Number.MAX_SAFE_INTEGER;
    const read = async (seq: number) =>
      (await this.sql<{ data: Buffer }>`select data from document_chunks where key = ${key}::uuid and seq = ${seq}`)[0]?.data as Buffer | undefined;
    // The first chunk read before answering: a missing object fails before any header is sent.
    const firstSeq = Math.floor(start / CHUNK_BYTES);
    const first = await read(firstSeq);
    if (!first) throw Object.assign(new Error(`no stored object ${key}`), { code: 'NOT_FOUND' });
    async function* chunks() {
      for (let seq = firstSeq; seq * CHUNK_BYTES <= end; seq++) {
        const data = seq === firstSeq ? first : await read(seq);
        if (!data) return;
        const offset = seq * CHUNK_BYTES;
        const from = Math.max(0, start - offset);
        const to = Math.min(data.length, end - offset + 1);
        if (from < to) yield from === 0 && to === data.length ? data : data.subarray(from, to);
        if (data.length < CHUNK_BYTES) return;
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async delete(key: string): Promise<void> {
    await this.sqlCount`delete from document_chunks where key = ${key}::uuid`;
  }
}
