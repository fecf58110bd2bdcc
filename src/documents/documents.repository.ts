import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { inTerritory, sqlFragment } from '../database/sql.js';
import type { ApplicationStatus, DocumentKind, StorageKind } from '../generated/prisma/enums.js';
import type { ApplicationDocument } from '../generated/prisma/client.js';

export type DocumentRow = ApplicationDocument;

/** The dossier a pièce belongs to, as the writes need it. */
export interface DossierRef {
  id: string;
  status: ApplicationStatus;
  regionCode: string;
  departmentCode: string;
  version: number;
}

@Injectable()
export class DocumentsRepository extends Repository {
  /** The dossier in the territory; `lock`: its row locked until the transaction ends (writes of its pièces take turns). */
  async dossier(territory: Territory, id: string, lock = false): Promise<DossierRef | null> {
    const [row] = await this.sql<DossierRef>`
      SELECT a.id, a.status::text AS status, a.region_code AS "regionCode", a.department_code AS "departmentCode", a.version FROM applications a
      WHERE a.id = ${id}::uuid AND ${inTerritory(territory)} ${lock ? sqlFragment('FOR NO KEY UPDATE') : sqlFragment('')}`;
    return row ?? null;
  }

  /** A new version of the dossier (its representation changed: checklist, ETag), only if still at `version`. */
  async touchDossier(id: string, version: number): Promise<boolean> {
    return (await this.sqlCount`UPDATE applications SET version = version + 1, updated_at = now(), last_event_at = now() WHERE id = ${id}::uuid AND version = ${version}`) === 1;
  }

  /** The dossier's pièces, current versions only unless `history`, oldest first. */
  list(applicationId: string, history: boolean): Promise<DocumentRow[]> {
    return this.db.applicationDocument.findMany({
      where: { applicationId, ...(!history && { supersededAt: null }) },
      orderBy: [{ seriesId: 'asc' }, { version: 'asc' }],
    });
  }

  /** A pièce of a dossier of the territory, in one statement (the read routes' path). */
  findInTerritory(territory: Territory, applicationId: string, id: string): Promise<DocumentRow | null> {
    return this.db.applicationDocument.findFirst({ where: { id, applicationId, application: territory } });
  }

  find(applicationId: string, id: string): Promise<DocumentRow | null> {
    return this.db.applicationDocument.findFirst({ where: { id, applicationId } });
  }

  /** A current, not withdrawn pièce of this kind with these very bytes: an upload sent again. */
  sameContent(applicationId: string, kind: DocumentKind, sha256: string): Promise<DocumentRow | null> {
    return this.db.applicationDocument.findFirst({ where: { applicationId, kind, sha256, supersededAt: null, withdrawnAt: null } });
  }

  countCurrent(applicationId: string): Promise<number> {
    return this.db.applicationDocument.count({ where: { applicationId, supersededAt: null } });
  }

  insert(data: Omit<DocumentRow, 'uploadedAt' | 'supersededAt' | 'withdrawnAt' | 'withdrawnById' | 'withdrawnReason'>): Promise<DocumentRow> {
    return this.db.applicationDocument.create({ data });
  }

  /** Marks the current version superseded by a new one, only if it still is the current one. */
  async supersede(id: string): Promise<boolean> {
    return (await this.sqlCount`UPDATE application_documents SET superseded_at = now() WHERE id = ${id}::uuid AND superseded_at IS NULL`) === 1;
  }

  async withdraw(id: string, byId: string | null, reason: string): Promise<boolean> {
    return (
      (await this.sqlCount`UPDATE application_documents SET withdrawn_at = now(), withdrawn_by_id = ${byId}::uuid, withdrawn_reason = ${reason}
                           WHERE id = ${id}::uuid AND withdrawn_at IS NULL`) === 1
    );
  }

  // ---------------------------------------------------------------- the ledger of objects being written

  /** Recorded, and committed, before the object's first byte: a crash leaves a trace the sweep finds. */
  async startUpload(key: string, storage: StorageKind): Promise<void> {
    await this.sqlCount`INSERT INTO document_uploads (key, storage) VALUES (${key}::uuid, ${storage}::"StorageKind")`;
  }

  /** The object is a document's now (in the transaction that records it), or was removed. */
  async endUpload(key: string): Promise<void> {
    await this.sqlCount`DELETE FROM document_uploads WHERE key = ${key}::uuid`;
  }

  /** Uploads started before `before` that never ended: what a crash left. */
  staleUploads(before: Date, take: number): Promise<{ key: string; storage: StorageKind }[]> {
    return this.sql`SELECT key, storage::text AS storage FROM document_uploads WHERE started_at < ${before} ORDER BY started_at LIMIT ${take}`;
  }

  /** Whether a document holds this object (a sweep must never remove one that is). */
  async isKept(key: string): Promise<boolean> {
    return (await this.sql`SELECT 1 FROM application_documents WHERE storage_key = ${key}::uuid`).length > 0;
  }
}
