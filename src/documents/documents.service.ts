import { OutboxRepository } from '../outbox/outbox.repository.js';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApplicationsRepository } from '../applications/applications.repository.js';
import { AuditedWrites } from '../audit/audited-writes.js';
import { type Principal, territoryOf } from '../common/access/principal.js';
import { ApiProblem, conflict, invalid, notFound } from '../common/errors/problem.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TransactionHost } from '../database/transaction-host.js';
import { uuidv7 } from '../database/uuid.js';
import type { ApplicationStatus, DocumentKind, StorageKind } from '../generated/prisma/enums.js';
import { type DocumentRow, DocumentsRepository, type DossierRef } from './documents.repository.js';
import { DOCUMENT_KINDS, type DocumentDto } from './dto/document.dto.js';
import { SNIFF_BYTES, sniff } from './sniff.js';
import { BLOB_STORE, type BlobStore, type ByteRange } from './storage/blob-store.js';

/** A dossier that has left the procedure takes no more pièces (they are kept and still read). */
/** The statuses in which a dossier takes no more pièces. */
export const ARCHIVED: ApplicationStatus[] = ['WITHDRAWN', 'CLOSED'];

/** The bytes of an upload, stored under `key` (not yet a document's). */
interface Received {
  key: string;
  filename: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  fields: Record<string, string>;
}

export const toDocumentDto = (d: DocumentRow): DocumentDto => ({
  id: d.id,
  applicationId: d.applicationId,
  seriesId: d.seriesId,
  kind: d.kind,
  label: d.label,
  filename: d.filename,
  mediaType: d.mediaType,
  sizeBytes: Number(d.sizeBytes),
  sha256: d.sha256,
  version: d.version,
  current: d.supersededAt === null,
  uploadedBy: { id: d.uploadedById, kind: d.uploadedByKind },
  uploadedAt: d.uploadedAt.toISOString(),
  withdrawn: d.withdrawnAt !== null,
  withdrawnAt: d.withdrawnAt?.toISOString() ?? null,
  withdrawnReason: d.withdrawnReason,
});

/** What a write of a pièce did: the pièce after, whether it is new, and the version before when it changed one. */
interface Done {
  row: DocumentRow;
  created: boolean;
  before?: DocumentRow;
}

/** What the content route sends: status, headers and, unless 304, the bytes. */
export interface Download {
  status: 200 | 206 | 304;
  headers: Record<string, string>;
  body?: Readable;
}

/**
 * The pièces of a dossier: uploads streamed to the blob store (never a whole file in memory),
 * their type read from the content, their SHA-256 computed on the way; each recorded, with its
 * event and its audit row, in one transaction that also ends the object's upload in the ledger.
 * An object whose upload fails is removed at once; one a crash left, by the sweep.
 */
@Injectable()
export class DocumentsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly documents: DocumentsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly writes: AuditedWrites,
    private readonly tx: TransactionHost,
    private readonly outbox: OutboxRepository,
  ) {}

  async list(principal: Principal, applicationId: string, history: boolean): Promise<{ items: DocumentDto[] }> {
    await this.dossier(principal, applicationId);
    return { items: (await this.documents.list(applicationId, history)).map(toDocumentDto) };
  }

  async get(principal: Principal, applicationId: string, id: string): Promise<DocumentDto> {
    return toDocumentDto(await this.document(principal, applicationId, id));
  }

  /** A new pièce; the same bytes of the same kind sent again answer the pièce already there (`created: false`). */
  async upload(principal: Principal, applicationId: string, request: FastifyRequest): Promise<{ created: boolean; document: DocumentDto }> {
    // Checked before a byte is read (no file streamed in vain), and again under the dossier's lock.
    this.assertOpen(await this.dossier(principal, applicationId));
    await this.assertRoom(applicationId);
    const received = await this.receive(request);
    const kind = received.fields.kind;
    if (!kind || !DOCUMENT_KINDS.includes(kind as DocumentKind)) {
      await this.discard(received.key);
      throw invalid([{ field: 'kind', message: `must be one of ${DOCUMENT_KINDS.join(', ')}` }]);
    }
    return this.create(principal, applicationId, received, kind as DocumentKind, received.fields);
  }

  /**
   * A pièce from the service itself or a command (a generated letter, a file of Démarches
   * Simplifiées, the demo data): the same checks, storage and records as an upload. `withMove`:
   * written inside a move's transaction (the letter of the DG's decision), which already gives
   * the dossier its new version and its event; the pièce counts in no limit (the ARS's own).
   */
  async add(
    principal: Principal,
    applicationId: string,
    file: { kind: DocumentKind; label?: string; filename: string; content: AsyncIterable<Buffer> | Buffer },
    options: { withMove?: boolean } = {},
  ): Promise<{ created: boolean; document: DocumentDto }> {
    if (!options.withMove) {
      this.assertOpen(await this.dossier(principal, applicationId));
      await this.assertRoom(applicationId);
    }
    const content = Buffer.isBuffer(file.content) ? [file.content] : file.content;
    const stored = await this.storeStream(content, file.filename);
    return this.create(principal, applicationId, { ...stored, fields: {} }, file.kind, { label: file.label ?? '' }, options.withMove ?? false);
  }

  private async create(principal: Principal, applicationId: string, received: Received, kind: DocumentKind, fields: Record<string, string>, withMove = false) {
    try {
      const label = this.label(fields);
      const result = await this.record(principal, applicationId, 'application.document.create', withMove, async (d) => {
        const same = await this.documents.sameContent(applicationId, kind, received.sha256);
        if (same) return { row: same, created: false };
        if (!withMove) {
          this.assertOpen(d);
          await this.assertRoom(applicationId);
        }
        return { row: await this.insert(principal, applicationId, received, { id: uuidv7(), kind, label, version: 1 }), created: true };
      });
      if (!result.created) await this.discard(received.key);
      return { created: result.created, document: toDocumentDto(result.row) };
    } catch (error) {
      await this.discard(received.key);
      throw error;
    }
  }

  /** A new version of a pièce: the one before is kept, superseded. */
  async replace(principal: Principal, applicationId: string, id: string, request: FastifyRequest): Promise<DocumentDto> {
    const previous = await this.document(principal, applicationId, id);
    const received = await this.receive(request);
    try {
      const label = received.fields.label !== undefined ? this.label(received.fields) : previous.label;
      const { row } = await this.record(principal, applicationId, 'application.document.replace', false, async (d) => {
        this.assertOpen(d);
        const now = await this.documents.find(applicationId, id);
        if (!now || now.supersededAt) throw conflict(`Pièce ${id} was replaced already: replace its current version.`, { documentId: id });
        if (now.withdrawnAt) throw conflict(`Pièce ${id} is withdrawn: upload a new pièce instead.`, { documentId: id });
        if (!(await this.documents.supersede(id))) throw conflict(`Pièce ${id} was replaced meanwhile; read it again.`, { documentId: id });
        const row = await this.insert(principal, applicationId, received, { id: uuidv7(), seriesId: now.seriesId, version: now.version + 1, kind: now.kind, label });
        return { row, created: true, before: now };
      });
      return toDocumentDto(row);
    } catch (error) {
      await this.discard(received.key);
      throw error;
    }
  }

  /** Kept and marked: a withdrawn pièce no longer counts for the checklist; its bytes stay readable. */
  async withdraw(principal: Principal, applicationId: string, id: string, reason: string): Promise<DocumentDto> {
    await this.document(principal, applicationId, id);
    const { row } = await this.record(principal, applicationId, 'application.document.withdraw', false, async () => {
      const now = await this.documents.find(applicationId, id);
      if (!now) throw notFound(`Pièce ${id} of dossier ${applicationId}`);
      if (now.withdrawnAt) throw conflict(`Pièce ${id} is withdrawn already.`, { documentId: id });
      await this.documents.withdraw(id, principal.kind === 'USER' ? principal.id : null, reason);
      return { row: (await this.documents.find(applicationId, id))!, created: false, before: now };
    });
    return toDocumentDto(row);
  }

  /** The bytes, streamed: whole, or the one range asked (RFC 9110); 304 when the client has them. */
  async content(principal: Principal, applicationId: string, id: string, headers: { range?: string; ifRange?: string; ifNoneMatch?: string }): Promise<Download> {
    const d = await this.document(principal, applicationId, id);
    const size = Number(d.sizeBytes);
    const etag = `"${d.sha256}"`;
    const common: Record<string, string> = {
      etag,
      'accept-ranges': 'bytes',
      'cache-control': 'private, max-age=0, must-revalidate',
      'content-type': d.mediaType,
      'content-disposition': contentDisposition(d.filename),
      // The bytes are the promoter's: never run as a page of this origin.
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
    };
    if (headers.ifNoneMatch && headers.ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
      return { status: 304, headers: { etag, 'cache-control': common['cache-control'] } };
    }
    const range = headers.range && (!headers.ifRange || headers.ifRange.trim() === etag) ? parseRange(headers.range, size) : undefined;
    if (range === 'UNSATISFIABLE') {
      throw new ApiProblem(
        416,
        `The range ${headers.range} is outside the ${size} bytes of the pièce.`,
        'range-not-satisfiable',
        { sizeBytes: size },
        { 'Content-Range': `bytes */${size}` },
      );
    }
    const body = await this.store.get(d.storageKey, range ?? undefined).catch((error: unknown) => {
      // A document row without its object: the storage lost it (restored without it, deleted by hand).
      if ((error as { code?: string })?.code === 'NOT_FOUND') throw new ApiProblem(500, `The bytes of pièce ${id} are missing from the storage.`, 'storage-object-missing');
      throw error;
    });
    if (range) {
      return { status: 206, headers: { ...common, 'content-range': `bytes ${range.start}-${range.end}/${size}`, 'content-length': String(range.end - range.start + 1) }, body };
    }
    return { status: 200, headers: { ...common, 'content-length': String(size) }, body };
  }

  /** The bytes of a stored pièce, streamed (for the séance pack, which checked the caller's scope). */
  read(storageKey: string): Promise<Readable> {
    return this.store.get(storageKey);
  }

  /**
   * Removes what crashed uploads left: objects whose upload began before `before` and that no
   * document holds. Answers how many were removed.
   */
  async sweep(before: Date): Promise<number> {
    let removed = 0;
    for (;;) {
      const stale = await this.documents.staleUploads(before, 100);
      for (const { key } of stale) {
        if (!(await this.documents.isKept(key))) await this.store.delete(key);
        await this.documents.endUpload(key);
        removed++;
      }
      if (stale.length < 100) return removed;
    }
  }

  // ---------------------------------------------------------------- inside

  private async dossier(principal: Principal, applicationId: string): Promise<DossierRef> {
    const dossier = await this.documents.dossier(territoryOf(principal), applicationId);
    if (!dossier) throw notFound(`Dossier ${applicationId}`);
    return dossier;
  }

  private async document(principal: Principal, applicationId: string, id: string): Promise<DocumentRow> {
    const d = await this.documents.findInTerritory(territoryOf(principal), applicationId, id);
    if (!d) throw notFound(`Pièce ${id} of dossier ${applicationId}`);
    return d;
  }

  private assertOpen(d: DossierRef): void {
    if (ARCHIVED.includes(d.status)) throw conflict(`The dossier is ${d.status}: it takes no more pièces.`, { currentStatus: d.status });
  }

  private async assertRoom(applicationId: string): Promise<void> {
    const max = this.config.documents.maxPerDossier;
    if ((await this.documents.countCurrent(applicationId)) >= max) {
      throw new ApiProblem(422, `A dossier holds at most ${max} pièces (DOCUMENTS_MAX_PER_DOSSIER).`, 'rule/too-many-documents', { rule: 'too-many-documents', max });
    }
  }

  private label(fields: Record<string, string>): string | null {
    const label = fields.label?.trim();
    if (!label) return null;
    if (label.length > 200) throw invalid([{ field: 'label', message: 'must be at most 200 characters' }]);
    return label;
  }

  /**
   * The write of a pièce, in one transaction with the dossier: a new version of the dossier (its
   * checklist changed; concurrent writes of one dossier take turns on its row), the pièce, the
   * upload's end in the ledger, the dossier's event and the audit row with the SHA-256.
   */
  private record(principal: Principal, applicationId: string, action: string, withMove: boolean, work: (dossier: DossierRef) => Promise<Done>): Promise<Done> {
    const territory = territoryOf(principal);
    // Within a move, the move gives the dossier its version and its event.
    const changed = (done: Done) => !withMove && (done.created || done.before !== undefined);
    return this.writes.change<DossierRef, Done, Done, Done>(principal, {
      what: `Dossier ${applicationId}`,
      entity: 'application',
      action,
      entityId: applicationId,
      expectedVersion: undefined,
      // The dossier's row, locked: writes of one dossier's pièces take turns (the count, the versions).
      find: () => this.documents.dossier(territory, applicationId, true),
      check: (d) => work(d),
      write: async (d, done) => (changed(done) ? this.documents.touchDossier(applicationId, d.version) : d),
      also: async (d, done) => {
        if (done.created || (done.before && action !== 'application.document.withdraw')) {
          // A pièce added or replaced, uploaded or generated with a move (a letter).
          await this.outbox.publish({
            type: 'document.added',
            regionCode: d.regionCode,
            departmentCode: d.departmentCode,
            applicationId,
            data: { applicationId, departmentCode: d.departmentCode, ...documentEventData(done.row), replacesVersion: done.before?.version ?? null },
          });
        }
        if (!changed(done)) return done;
        const type = action === 'application.document.withdraw' ? 'DOCUMENT_WITHDRAWN' : done.before ? 'DOCUMENT_REPLACED' : 'DOCUMENT_ADDED';
        await this.applications.addEvent(applicationId, {
          type,
          actorId: principal.id,
          actorKind: principal.kind,
          reason: done.row.withdrawnReason,
          data: documentEventData(done.row),
        });
        return done;
      },
      view: (_d, done) => done!,
      audit: (_before, _after, done) => ({
        action: done.created || done.before ? action : 'application.document.resent',
        before: done.before ? toDocumentDto(done.before) : null,
        after: toDocumentDto(done.row),
      }),
    });
  }

  private async insert(
    principal: Principal,
    applicationId: string,
    r: Received,
    at: { id: string; seriesId?: string; version: number; kind: DocumentKind; label: string | null },
  ): Promise<DocumentRow> {
    const row = await this.documents.insert({
      ...at,
      seriesId: at.seriesId ?? at.id,
      applicationId,
      filename: r.filename,
      mediaType: r.mediaType,
      sizeBytes: BigInt(r.sizeBytes),
      sha256: r.sha256,
      storage: storageKindOf(this.store),
      storageKey: r.key,
      uploadedById: principal.id,
      uploadedByKind: principal.kind,
    });
    await this.documents.endUpload(r.key);
    return row;
  }

  /** Reads the multipart form: its fields, and its one file streamed to the blob store. */
  private async receive(request: FastifyRequest): Promise<Received> {
    if (!request.isMultipart()) throw new ApiProblem(415, 'Send the pièce as multipart/form-data: a part "file", and the fields "kind" and "label".', 'unsupported-media-type');
    const fields: Record<string, string> = {};
    let stored: Omit<Received, 'fields'> | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        if (part.fieldname !== 'file' || stored) {
          part.file.resume();
          throw invalid([{ field: part.fieldname, message: stored ? 'one file per request' : 'the file goes in the part named "file"' }]);
        }
        stored = await this.storeStream(part.file, part.filename, () => part.file.truncated);
      }
    } catch (error) {
      if (stored) await this.discard(stored.key);
      throw multipartProblem(error, this.config.documents.maxBytes);
    }
    if (!stored) throw invalid([{ field: 'file', message: 'is required: a multipart part named "file"' }]);
    return { ...stored, fields };
  }

  /** Sniffs the first bytes (415 before anything is stored), then streams the file to the store, hashing and counting. */
  private async storeStream(file: AsyncIterable<Buffer> | Iterable<Buffer>, filename: string | undefined, truncated = () => false): Promise<Omit<Received, 'fields'>> {
    const max = this.config.documents.maxBytes;
    const source: AsyncIterator<Buffer> | Iterator<Buffer> = Symbol.asyncIterator in file ? file[Symbol.asyncIterator]() : file[Symbol.iterator]();
    const head: Buffer[] = [];
    let headBytes = 0;
    let ended = false;
    while (headBytes < SNIFF_BYTES) {
      const next = await source.next();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.length;
    }
    const first = Buffer.concat(head, headBytes);
    if (first.length === 0) throw invalid([{ field: 'file', message: 'is empty' }]);
    if (first.length > max) throw tooLarge(max);
    const sniffed = await sniff(first.subarray(0, SNIFF_BYTES));
    if (!sniffed.accepted) {
      throw new ApiProblem(
        415,
        `The file's content is ${sniffed.detected}, which a pièce cannot be: send a PDF, an image (PNG, JPEG, GIF, WebP, TIFF), an office document (DOCX, XLSX, PPTX, ODT, ODS, ODP) or a CSV file.`,
        'unsupported-media-type',
        { detected: sniffed.detected },
      );
    }
    const hash = createHash('sha256');
    let size = 0;
    const counted = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) throw tooLarge(max);
      hash.update(chunk);
      return chunk;
    };
    async function* content(): AsyncGenerator<Buffer> {
      yield counted(first);
      if (ended) return;
      for (let next = await source.next(); !next.done; next = await source.next()) yield counted(next.value);
      if (truncated()) throw tooLarge(max);
    }
    const key = uuidv7();
    // Outside the caller's transaction (a letter generated with a move has one): the ledger row
    // is committed before the first byte, the bytes outlive a rollback, and the sweep finds them.
    await this.tx.outside(async () => {
      await this.documents.startUpload(key, storageKindOf(this.store));
      try {
        await this.store.put(key, content());
      } catch (error) {
        await this.documents.endUpload(key).catch(() => undefined);
        throw error;
      }
    });
    return { key, filename: safeFilename(filename, sniffed.extension), mediaType: sniffed.mediaType, sizeBytes: size, sha256: hash.digest('hex') };
  }

  /** Removes an object no document holds, and its ledger row (best effort: the sweep catches what this misses). */
  private discard(key: string): Promise<void> {
    return this.tx.outside(async () => {
      if (await this.documents.isKept(key).catch(() => true)) return;
      await this.store.delete(key).then(
        () => this.documents.endUpload(key),
        () => undefined,
      );
    });
  }
}

const storageKindOf = (store: BlobStore): StorageKind => (store.kind === 's3' ? 'S3' : 'POSTGRES');

const tooLarge = (max: number) => new ApiProblem(413, `A pièce is at most ${max} bytes (DOCUMENTS_MAX_BYTES).`, 'payload-too-large', { maxBytes: max });

/** What @fastify/multipart and busboy throw, as problems that say what to change. */
function multipartProblem(error: unknown, max: number): unknown {
  if (error instanceof ApiProblem) return error;
  const code = (error as { code?: string })?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(max);
  if (code === 'FST_FILES_LIMIT') return invalid([{ field: 'file', message: 'one file per request' }]);
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return invalid([{ field: 'body', message: 'too many parts: send "file", "kind" and "label" only' }]);
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new ApiProblem(415, 'Send the pièce as multipart/form-data.', 'unsupported-media-type');
  if (error instanceof Error && /Multipart|boundary|Unexpected end of form/i.test(error.message))
    return invalid([{ field: 'body', message: `is not a valid multipart form: ${error.message}` }]);
  return error;
}

/** The name without any path, control character or quote, at most 255 bytes; the sniffed extension when there is none. */
export function safeFilename(name: string | undefined, extension: string): string {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim();
  const named = base && base !== '.' && base !== '..' ? base : `piece.${extension}`;
  let out = named.normalize('NFC');
  while (Buffer.byteLength(out) > 255) out = out.slice(0, -1);
  return out;
}

/** RFC 6266: an ASCII fallback, and the UTF-8 name (RFC 8187). */
function contentDisposition(filename: string): string {
  const ascii = filename
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/[\\"]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** One range of `bytes=` (RFC 9110 §14.1.2); several ranges, or a unit other than bytes: the whole content (allowed). */
export function parseRange(header: string, size: number): ByteRange | 'UNSATISFIABLE' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'UNSATISFIABLE';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'UNSATISFIABLE';
  if (end < start) return undefined;
  return { start, end };
}

/** What a pièce's event says of it (the dossier's history, the webhooks). */
const documentEventData = (row: { id: string; kind: string; version: number; sha256: string; filename: string }) => ({
  documentId: row.id,
  kind: row.kind,
  version: row.version,
  sha256: row.sha256,
  filename: row.filename,
});
