import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import { uuidv7 } from '../database/uuid.js';
import { type ApplicationStatus, type CallForApplications, type DsDossier, type DsState, type DsSync, Prisma } from '../generated/prisma/client.js';

export interface SyncCounts {
  created: number;
  updated: number;
  unchanged: number;
  refused: { dsNumber: number; reason: string }[];
  requests: number;
  files: number;
}

export interface DossierOfLink {
  applicationId: string;
  status: ApplicationStatus;
  projectId: string;
  promoterId: string;
}

export interface LinkData {
  applicationId: string;
  callId: string;
  number: number;
  dsId: string;
  state: DsState;
  url: string;
  dsUpdatedAt: Date;
  readValues: object;
  appliedValues: object;
  files: object[];
}

/** The sync runs of the calls and the DS dossiers they brought in. */
@Injectable()
export class DsSyncRepository extends Repository {
  /** The call, whatever its region (a worker's read). */
  call(id: string): Promise<CallForApplications | null> {
    return this.db.callForApplications.findUnique({ where: { id } });
  }

  /** Calls with a démarche, a token and a mapping, closed on or after `closedSince`: the schedule's. */
  configuredCalls(closedSince: Date): Promise<CallForApplications[]> {
    return this.db.callForApplications.findMany({
      where: { dsDemarcheNumber: { not: null }, dsTokenCipher: { not: null }, mappingRevision: { not: null }, closesOn: { gte: closedSince } },
      orderBy: { id: 'asc' },
    });
  }

  /** A new run, or the one of the call already queued or running (one at a time). */
  async request(callId: string, trigger: 'MANUAL' | 'SCHEDULED', full: boolean, requestedById: string | null): Promise<{ sync: DsSync; created: boolean }> {
    // A run left RUNNING past its job's retries (its worker gone for good) no longer holds the call.
    await this.sqlCount`
      UPDATE ds_syncs SET status = 'FAILED', finished_at = now(), error = 'abandoned: its worker stopped (no progress for 3 hours)'
      WHERE call_id = ${callId}::uuid AND status = 'RUNNING' AND started_at < now() - interval '3 hours'`;
    const [row] = await this.sql<{ id: string }>`
      INSERT INTO ds_syncs (id, call_id, trigger, "full", requested_by_id) VALUES (${uuidv7()}::uuid, ${callId}::uuid, ${trigger}, ${full}, ${requestedById}::uuid)
      ON CONFLICT (call_id) WHERE status IN ('QUEUED', 'RUNNING') DO NOTHING RETURNING id`;
    if (row) return { sync: (await this.db.dsSync.findUnique({ where: { id: row.id } }))!, created: true };
    const active = await this.db.dsSync.findFirst({ where: { callId, status: { in: ['QUEUED', 'RUNNING'] } } });
    // Finished between the two statements: ask again.
    return active ? { sync: active, created: false } : this.request(callId, trigger, full, requestedById);
  }

  find(callId: string, id: string): Promise<DsSync | null> {
    return this.db.dsSync.findFirst({ where: { id, callId } });
  }

  /** The call's runs, the latest first. */
  list(callId: string, after: string | undefined, take: number): Promise<DsSync[]> {
    return this.db.dsSync.findMany({ where: { callId, ...(after && { id: { lt: after } }) }, orderBy: { id: 'desc' }, take });
  }

  /** Takes a queued run (or one a crashed worker left running: a retry of its job) and marks it running. */
  async claim(id: string): Promise<DsSync | null> {
    const { count } = await this.db.dsSync.updateMany({ where: { id, status: { in: ['QUEUED', 'RUNNING'] } }, data: { status: 'RUNNING', startedAt: new Date() } });
    return count ? this.db.dsSync.findUnique({ where: { id } }) : null;
  }

  progress(id: string, since: Date | null, c: SyncCounts): Promise<unknown> {
    return this.db.dsSync.update({ where: { id }, data: { since, ...counts(c) } });
  }

  /**
   * Ends the run; a successful one moves the call's watermark to `syncedUntil` — unless the call
   * was given another démarche meanwhile (its watermark was reset).
   */
  async finish(sync: DsSync, c: SyncCounts, outcome: { error: string } | { syncedUntil: Date; demarcheNumber: number }): Promise<DsSync> {
    if ('syncedUntil' in outcome) {
      await this.db.callForApplications.updateMany({ where: { id: sync.callId, dsDemarcheNumber: outcome.demarcheNumber }, data: { dsSyncedUntil: outcome.syncedUntil } });
    }
    return this.db.dsSync.update({
      where: { id: sync.id },
      data: { ...counts(c), status: 'error' in outcome ? 'FAILED' : 'SUCCEEDED', error: 'error' in outcome ? outcome.error : null, finishedAt: new Date() },
    });
  }

  /** The DS dossier's link to ours, locked until the transaction ends (two runs of a call never write one dossier at once). */
  async link(callId: string, number: number, lock = false): Promise<DsDossier | null> {
    if (!lock) return this.db.dsDossier.findUnique({ where: { callId_number: { callId, number } } });
    const [row] = await this.sql<{ application_id: string }>`SELECT application_id FROM ds_dossiers WHERE call_id = ${callId}::uuid AND ds_number = ${number} FOR UPDATE`;
    return row ? this.db.dsDossier.findUnique({ where: { applicationId: row.application_id } }) : null;
  }

  /** The dossier's link, locked (a settlement of its pending changes, beside a sync). */
  async lockLinkOf(applicationId: string): Promise<DsDossier | null> {
    const [row] = await this.sql<{ application_id: string }>`SELECT application_id FROM ds_dossiers WHERE application_id = ${applicationId}::uuid FOR UPDATE`;
    return row ? this.linkOf(applicationId) : null;
  }

  /** The call's DS dossiers whose status is not the one last written in their annotation. */
  toAnnotate(callId: string): Promise<{ applicationId: string; dsId: string; status: ApplicationStatus }[]> {
    return this.sql`
      SELECT d.application_id AS "applicationId", d.ds_id AS "dsId", a.status::text AS status
      FROM ds_dossiers d JOIN applications a ON a.id = d.application_id
      WHERE d.call_id = ${callId}::uuid AND d.annotated_status IS DISTINCT FROM a.status
      ORDER BY d.application_id`;
  }

  annotated(applicationId: string, status: ApplicationStatus): Promise<unknown> {
    return this.db.dsDossier.update({ where: { applicationId }, data: { annotatedStatus: status } });
  }

  linkOf(applicationId: string): Promise<DsDossier | null> {
    return this.db.dsDossier.findUnique({ where: { applicationId } });
  }

  insertLink(data: LinkData): Promise<DsDossier> {
    return this.db.dsDossier.create({ data: { ...data, syncedAt: new Date() } });
  }

  /** `syncedAt`: a sync's write (an instructor's settlement of the pending changes leaves it). */
  updateLink(applicationId: string, data: Partial<Omit<LinkData, 'applicationId' | 'callId' | 'number'>> & { syncedAt?: Date }): Promise<DsDossier> {
    const json = (v: object | undefined) => (v === undefined ? undefined : (v as Prisma.InputJsonValue));
    return this.db.dsDossier.update({
      where: { applicationId },
      data: { ...data, readValues: json(data.readValues), appliedValues: json(data.appliedValues), files: json(data.files) },
    });
  }

  /** A commune of the region by its INSEE code, or the region's communes of a postal code. */
  async communes(regionCode: string, code: string): Promise<{ inseeCode: string; name: string; departmentCode: string }[]> {
    const select = { inseeCode: true, name: true, departmentCode: true } as const;
    const byInsee = await this.db.commune.findMany({ where: { inseeCode: code, regionCode }, select });
    if (byInsee.length) return byInsee;
    return this.db.commune.findMany({ where: { regionCode, postalCodes: { has: code }, active: true }, select, orderBy: { inseeCode: 'asc' }, take: 10 });
  }

  /** The region's promoter of this SIREN (the first recorded), or null. */
  promoterBySiren(regionCode: string, siren: string): Promise<{ id: string } | null> {
    return this.db.promoter.findFirst({ where: { regionCode, siren }, select: { id: true }, orderBy: { id: 'asc' } });
  }

  /** A dossier's status, promoter and project (what a re-sync updates). */
  async dossier(applicationId: string): Promise<DossierOfLink> {
    const a = await this.db.application.findUniqueOrThrow({ where: { id: applicationId }, select: { status: true, project: { select: { id: true, promoterId: true } } } });
    return { applicationId, status: a.status, projectId: a.project.id, promoterId: a.project.promoterId };
  }
}

const counts = (c: SyncCounts) => ({
  created: c.created,
  updated: c.updated,
  unchanged: c.unchanged,
  refused: c.refused as unknown as Prisma.InputJsonValue,
  requests: c.requests,
  files: c.files,
});
