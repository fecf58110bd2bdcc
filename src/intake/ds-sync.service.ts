import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import { ApplicationsRepository } from '../applications/applications.repository.js';
import { ApplicationsService } from '../applications/applications.service.js';
import { canonicalJson } from '../common/canonical-json.js';
import { changesBetween, type DossierPiece, type DossierValues, type MappedField, type MappingDefaults, readDossier } from '../calls/mapping.js';
import { assertRegionWide, type Principal } from '../common/access/principal.js';
import { SECRET_BOX, type SecretBox } from '../common/crypto/secret-box.js';
import { ApiProblem, conflict, notFound } from '../common/errors/problem.js';
import { type Page, pageOf } from '../common/http/pagination.js';
import { parisToday, toDbDate } from '../common/validation/dates.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TransactionHost } from '../database/transaction-host.js';
import { ARCHIVED, DocumentsService } from '../documents/documents.service.js';
import { type DsClient, type DsDossier as DsDossierPayload, DsError } from '../ds/ds-client.js';
import { openPiece } from '../ds/ds-files.js';
import { DsGateway, problemOf } from '../ds/ds-gateway.js';
import { PIECE_TITLES } from '../documents/piece-kinds.js';
import { STATUS_WORDS } from '../common/words.js';
import type { ApplicationDto } from '../applications/dto/application.dto.js';
import { FundingService } from '../funding/funding.service.js';
import type { CallForApplications, DocumentKind, DsDossier, DsState, DsSync } from '../generated/prisma/client.js';
import { ProjectsService } from '../projects/projects.service.js';
import { PromotersService } from '../promoters/promoters.service.js';
import { ReportJobs } from '../reports/report-jobs.js';
import { type DossierOfLink, DsSyncRepository, type SyncCounts } from './ds-sync.repository.js';
import type { DsMessageSentDto, DsSyncDto, DsSyncQuery } from './dto/ds-sync.dto.js';

export const SYNC_QUEUE = 'ds-sync';
export const SYNC_SCHEDULE_QUEUE = 'ds-sync-schedule';

const STATES: Record<DsDossierPayload['state'], DsState> = {
  en_construction: 'EN_CONSTRUCTION',
  en_instruction: 'EN_INSTRUCTION',
  accepte: 'ACCEPTE',
  refuse: 'REFUSE',
  sans_suite: 'SANS_SUITE',
};

/** A pièce taken from DS, by DS's checksum (what a re-sync does not fetch again). */
interface TakenFile {
  champId: string;
  checksum: string;
  documentId: string;
}

type Outcome = 'created' | 'updated' | 'unchanged' | { refused: string };

export const toDsSyncDto = (s: DsSync): DsSyncDto => ({
  id: s.id,
  callId: s.callId,
  status: s.status,
  trigger: s.trigger as DsSyncDto['trigger'],
  full: s.full,
  since: s.since?.toISOString() ?? null,
  requestedAt: s.requestedAt.toISOString(),
  startedAt: s.startedAt?.toISOString() ?? null,
  finishedAt: s.finishedAt?.toISOString() ?? null,
  created: s.created,
  updated: s.updated,
  unchanged: s.unchanged,
  refused: s.refused as unknown as DsSyncDto['refused'],
  requests: s.requests,
  files: s.files,
  error: s.error,
});

/**
 * Who writes what a sync brings: the service itself (SYSTEM), for the call's region, under the
 * run's id — the audit trail and the dossiers' history name the run that wrote each row. It
 * moves dossiers as an instructor would (the site meeting a promoter declared).
 */
export const syncPrincipal = (regionCode: string, syncId: string): Principal => ({
  kind: 'SYSTEM',
  id: syncId,
  role: 'INSTRUCTOR',
  organizationId: syncId,
  organizationType: 'ARS',
  regionCode,
  departmentCode: null,
  funders: [],
});

/**
 * The intake from Démarches Simplifiées: a call's dossiers read page by page (only those changed
 * since the last sync), each mapped whole or refused whole with its reasons, created in DRAFT
 * with its promoter, project, expenses, site meeting and pièces (checksums checked), or updated
 * while still in DRAFT; later changes wait for an instructor. Idempotent by DS dossier number.
 */
@Injectable()
export class DsSyncService implements OnModuleInit {
  private readonly logger = new Logger('DsSync');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly syncs: DsSyncRepository,
    private readonly tx: TransactionHost,
    private readonly writes: AuditedWrites,
    private readonly jobs: ReportJobs,
    private readonly ds: DsGateway,
    private readonly promoters: PromotersService,
    private readonly projects: ProjectsService,
    private readonly applications: ApplicationsService,
    private readonly dossiers: ApplicationsRepository,
    private readonly funding: FundingService,
    private readonly documents: DocumentsService,
  ) {}

  onModuleInit(): void {
    // A run's job expires (and is retried, continuing the same run) after an hour.
    this.jobs.worker<{ syncId: string }>(SYNC_QUEUE, 3600, ({ syncId }) => this.run(syncId));
    this.jobs.schedule(SYNC_SCHEDULE_QUEUE, this.config.ds.syncCron, () => this.scheduled());
  }

  /** Queues a sync of the call (202), or answers the one already queued or running. */
  async request(p: Principal, callId: string, full: boolean): Promise<DsSyncDto> {
    const call = await this.callOf(p, callId);
    assertConfigured(call);
    const sync = await this.writes.run(p, async () => {
      const { sync, created } = await this.syncs.request(callId, 'MANUAL', full, p.kind === 'USER' ? p.id : null);
      await this.queue(sync);
      return { audit: { action: 'call.sync', entity: 'call', entityId: callId, regionCode: call.regionCode, after: { syncId: sync.id, full, queued: created } }, result: sync };
    });
    return toDsSyncDto(sync);
  }

  /**
   * Sends a queued run's job — again when the run was already queued: a send lost to a crash
   * or to a queue not yet started would otherwise leave it waiting for ever (pg-boss keeps one
   * job per run: its singleton key).
   */
  private async queue(sync: DsSync): Promise<void> {
    if (sync.status === 'QUEUED') await this.jobs.send(SYNC_QUEUE, { syncId: sync.id }, { singletonKey: sync.id });
  }

  async list(p: Principal, callId: string, query: DsSyncQuery): Promise<Page<DsSyncDto>> {
    await this.callOf(p, callId);
    return pageOf(query, (after, take) => this.syncs.list(callId, after, take), toDsSyncDto);
  }

  async get(p: Principal, callId: string, syncId: string): Promise<DsSyncDto> {
    await this.callOf(p, callId);
    const sync = await this.syncs.find(callId, syncId);
    if (!sync) throw notFound(`Sync ${syncId} of call ${callId}`);
    return toDsSyncDto(sync);
  }

  /** The schedule's tick: a run of every configured call still open or closed less than 90 days ago. */
  async scheduled(): Promise<number> {
    const closedSince = toDbDate(parisToday(new Date(Date.now() - 90 * 86_400_000)));
    let queued = 0;
    for (const call of await this.syncs.configuredCalls(closedSince)) {
      const { sync, created } = await this.tx.transaction(() => this.syncs.request(call.id, 'SCHEDULED', false, null));
      await this.queue(sync);
      if (created) queued++;
    }
    return queued;
  }

  /** Runs a queued sync to its end (a job's work; a retried job continues the same run). */
  async run(syncId: string): Promise<DsSync | null> {
    const sync = await this.syncs.claim(syncId);
    if (!sync) return null;
    const call = (await this.syncs.call(sync.callId))!;
    const counts: SyncCounts = { created: 0, updated: 0, unchanged: 0, refused: [], requests: 0, files: 0 };
    // What changed on DS since a minute before the last successful run started (clocks differ).
    const since = sync.full || !call.dsSyncedUntil ? null : call.dsSyncedUntil;
    const startedAt = sync.startedAt!;
    try {
      assertConfigured(call);
      const client = this.ds.client(this.secrets.open(call.dsTokenCipher!));
      // The next run reads again from the earliest change refused now: a refusal stays visible until its dossier is taken.
      let until = new Date(startedAt.getTime() - 60_000);
      for await (const page of client.dossiers(call.dsDemarcheNumber!, since ?? undefined, this.config.ds.syncPageSize)) {
        for (const dossier of page) {
          const outcome = await this.one(call, sync.id, dossier, counts);
          if (typeof outcome === 'object') {
            counts.refused.push({ dsNumber: dossier.number, reason: outcome.refused });
            const changed = new Date(new Date(dossier.dateDerniereModification).getTime() - 1);
            if (changed < until) until = changed;
          } else counts[outcome]++;
        }
        counts.requests = client.requests;
        await this.syncs.progress(sync.id, since, counts);
      }
      if (call.dsStatusAnnotationId && call.dsInstructeurId) await this.annotate(call, client);
      counts.requests = client.requests;
      return await this.syncs.finish(sync, counts, { syncedUntil: until, demarcheNumber: call.dsDemarcheNumber! });
    } catch (error) {
      const message = error instanceof DsError || error instanceof ApiProblem ? error.message : `internal error: ${(error as Error).message}`;
      if (!(error instanceof DsError || error instanceof ApiProblem)) this.logger.error({ err: error, syncId }, 'sync failed');
      return this.syncs.finish(sync, counts, { error: message });
    }
  }

  /** One DS dossier: created, updated, unchanged, or refused whole with the reason. */
  private async one(call: CallForApplications, syncId: string, dossier: DsDossierPayload, counts: SyncCounts): Promise<Outcome> {
    const fields = call.mapping as unknown as MappedField[];
    const defaults = (call.mappingDefaults ?? {}) as MappingDefaults;
    const reading = readDossier(dossier.champs, fields, defaults, parisToday());
    if ('problems' in reading) return { refused: reading.problems.join('; ') };
    const { values, pieces } = reading;
    const communeProblem = await this.resolveCommune(call, values);
    if (communeProblem) return { refused: communeProblem };
    const state = STATES[dossier.state];
    const link = await this.syncs.link(call.id, dossier.number);
    const taken = (link?.files ?? []) as unknown as TakenFile[];
    let newPieces = pieces.filter((x) => !taken.some((f) => f.champId === x.champId && f.checksum === x.checksum));
    // A withdrawn or closed dossier takes no more pièces: they are not even fetched.
    if (link && newPieces.length && ARCHIVED.includes((await this.syncs.dossier(link.applicationId)).status)) newPieces = [];
    if (link && sameJson(link.readValues, values) && link.state === state && newPieces.length === 0) return 'unchanged';

    const maxBytes = BigInt(this.config.documents.maxBytes);
    const tooLarge = newPieces.find((x) => x.size > maxBytes);
    if (tooLarge) return { refused: `pièce "${tooLarge.filename}" (${tooLarge.label}) is ${tooLarge.size} bytes; a pièce is at most ${maxBytes} (DOCUMENTS_MAX_BYTES)` };

    const folder = newPieces.length ? await mkdtemp(join(tmpdir(), 'ds-pieces-')) : null;
    try {
      const files: string[] = [];
      for (const [i, piece] of newPieces.entries()) {
        const problem = await this.download(piece, join(folder!, String(i)));
        if (problem) return { refused: problem };
        files.push(join(folder!, String(i)));
        counts.files++;
      }
      const principal = syncPrincipal(call.regionCode, syncId);
      // A dossier's rows in one transaction, pièces included: all of it or none.
      return await this.tx.transaction(
        async () => {
          const locked = await this.syncs.link(call.id, dossier.number, true);
          if (!locked) return this.create(principal, call, dossier, values, state, newPieces, files);
          return this.update(principal, locked, dossier, values, state, newPieces, files);
        },
        { timeout: 120_000 },
      );
    } catch (error) {
      // What the services refuse (a commune outside the call's départements, a committed plan's
      // frozen expenses…) refuses the dossier; anything else fails the run.
      // (A 5xx — the database busy or away — fails the run instead: the dossier is not at fault.)
      if (error instanceof ApiProblem && error.status < 500) return { refused: error.message };
      throw error;
    } finally {
      if (folder) await rm(folder, { recursive: true, force: true });
    }
  }

  private async create(
    principal: Principal,
    call: CallForApplications,
    dossier: DsDossierPayload,
    values: DossierValues,
    state: DsState,
    pieces: DossierPiece[],
    files: string[],
  ): Promise<Outcome> {
    const defaults = (call.mappingDefaults ?? {}) as MappingDefaults;
    const commune = values.project.commune.code!;
    // A promoter the region already knows by its SIREN (a SISA answering a second call) is the same one.
    const known = values.promoter.siren ? await this.syncs.promoterBySiren(call.regionCode, values.promoter.siren) : null;
    const promoter =
      known ??
      (await this.promoters.create(principal, {
        name: values.promoter.name,
        siren: values.promoter.siren ?? undefined,
        legalType: defaults.legalType ?? 'OTHER',
        communeInsee: commune,
      }));
    const existing = defaults.existing ?? call.procedure === 'AUDIT';
    const project = await this.projects.create(principal, {
      name: values.project.name,
      kind: defaults.kind ?? 'MSP',
      promoterId: promoter.id,
      communeInsee: commune,
      existing,
      doctorsPlanned: values.project.doctorsPlanned,
      professionalsPlanned: values.project.professionalsPlanned,
      populationServed: values.project.populationServed,
      balancedBudget: defaults.balancedBudget ?? false,
      convention: defaults.convention ?? 'NONE',
    });
    const app = await this.applications.create(principal, project.id, call.procedure === 'AUDIT' ? 'AUDIT' : 'ACCOMPANIMENT', call.id);
    const url = this.urlOf(call, dossier.number);
    await this.event(principal, app.id, 'DS_IMPORTED', { dsNumber: dossier.number, url, state });
    if (values.expenses.length) await this.funding.replaceExpenses(principal, app.id, expensesOf(values));
    const taken = await this.addPieces(principal, app.id, pieces, files);
    if (values.siteMeetingHeldOn && call.procedure === 'STEP1') await this.siteMeeting(principal, app.id, values.siteMeetingHeldOn, dossier.number);
    await this.syncs.insertLink({
      applicationId: app.id,
      callId: call.id,
      number: dossier.number,
      dsId: dossier.id,
      state,
      url,
      dsUpdatedAt: new Date(dossier.dateDerniereModification),
      readValues: values,
      appliedValues: values,
      files: taken,
    });
    return 'created';
  }

  private async update(
    principal: Principal,
    link: DsDossier,
    dossier: DsDossierPayload,
    values: DossierValues,
    state: DsState,
    pieces: DossierPiece[],
    files: string[],
  ): Promise<Outcome> {
    const before = link.readValues as unknown as DossierValues;
    const applied = link.appliedValues as unknown as DossierValues;
    const dossierNow = await this.syncs.dossier(link.applicationId);
    const changes = changesBetween(before, values);
    const taken = [...(link.files as unknown as TakenFile[]), ...(await this.addPieces(principal, link.applicationId, pieces, files))];
    let appliedNow = applied;
    if (changes.length) {
      if (dossierNow.status === 'DRAFT') {
        await this.apply(principal, dossierNow, link.number, applied, values);
        appliedNow = values;
        await this.event(principal, link.applicationId, 'DS_UPDATED', { dsNumber: link.number, changes });
      } else {
        // Instructed data is never overwritten: the instructor accepts (or dismisses) what changed.
        await this.event(principal, link.applicationId, 'DS_CHANGES_PENDING', { dsNumber: link.number, changes: changesBetween(applied, values) });
      }
    }
    if (link.state !== state) await this.event(principal, link.applicationId, 'DS_STATE_CHANGED', { dsNumber: link.number, from: link.state, to: state });
    await this.syncs.updateLink(link.applicationId, {
      syncedAt: new Date(),
      dsId: dossier.id,
      state,
      dsUpdatedAt: new Date(dossier.dateDerniereModification),
      readValues: values,
      appliedValues: appliedNow,
      files: taken,
    });
    return 'updated';
  }

  /**
   * Writes what differs between `from` and `to` on the dossier's promoter, project and expenses
   * (and, in DRAFT, records the site meeting the promoter declared), through the services that
   * check and audit them.
   */
  private async apply(principal: Principal, d: DossierOfLink, dsNumber: number, from: DossierValues, to: DossierValues): Promise<void> {
    const applicationId = d.applicationId;
    const promoter = {
      ...(from.promoter.name !== to.promoter.name && { name: to.promoter.name }),
      ...(from.promoter.siren !== to.promoter.siren && to.promoter.siren !== null && { siren: to.promoter.siren }),
    };
    if (Object.keys(promoter).length) await this.promoters.update(principal, d.promoterId, promoter);
    const project = {
      ...(from.project.name !== to.project.name && { name: to.project.name }),
      ...(from.project.commune.code !== to.project.commune.code && { communeInsee: to.project.commune.code! }),
      ...(from.project.doctorsPlanned !== to.project.doctorsPlanned && { doctorsPlanned: to.project.doctorsPlanned }),
      ...(from.project.professionalsPlanned !== to.project.professionalsPlanned && { professionalsPlanned: to.project.professionalsPlanned }),
      ...(from.project.populationServed !== to.project.populationServed && { populationServed: to.project.populationServed }),
    };
    if (Object.keys(project).length) await this.projects.update(principal, d.projectId, project);
    if (!sameJson(from.expenses, to.expenses)) await this.funding.replaceExpenses(principal, applicationId, expensesOf(to));
    if (d.status === 'DRAFT' && to.siteMeetingHeldOn && !from.siteMeetingHeldOn) await this.siteMeeting(principal, applicationId, to.siteMeetingHeldOn, dsNumber);
  }

  private event(principal: Principal, applicationId: string, type: string, data: object): Promise<void> {
    return this.dossiers.addEvent(applicationId, { type, actorId: principal.id, actorKind: principal.kind, data });
  }

  private siteMeeting(principal: Principal, applicationId: string, heldOn: string, dsNumber: number) {
    return this.applications.siteMeeting(principal, applicationId, {
      heldOn,
      participants: 'Déclarée par le porteur sur Démarches Simplifiées',
      findings: `Date de la rencontre sur site déclarée dans le dossier n° ${dsNumber} de Démarches Simplifiées ; constats à compléter par l'ARS.`,
    });
  }

  private async addPieces(principal: Principal, applicationId: string, pieces: DossierPiece[], files: string[]): Promise<TakenFile[]> {
    const taken: TakenFile[] = [];
    for (const [i, piece] of pieces.entries()) {
      const { document } = await this.documents.add(principal, applicationId, {
        kind: piece.kind,
        label: piece.label,
        filename: piece.filename,
        content: createReadStream(files[i]),
      });
      taken.push({ champId: piece.champId, checksum: piece.checksum, documentId: document.id });
    }
    return taken;
  }

  /** Downloads a pièce to `path`, checking its size and DS's checksum (base64 MD5); the reason it cannot be taken, or null. */
  private async download(piece: DossierPiece, path: string): Promise<string | null> {
    const what = `pièce "${piece.filename}" (${piece.label})`;
    let res: IncomingMessage;
    try {
      res = await openPiece(piece.url, { trustedOrigin: new URL(this.config.ds.apiUrl).origin, timeoutMs: this.config.ds.timeoutMs });
    } catch (error) {
      return `${what} could not be downloaded: ${(error as Error).message}`;
    }
    const md5 = createHash('md5');
    let size = 0n;
    const max = BigInt(this.config.documents.maxBytes);
    try {
      await pipeline(
        res,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += BigInt(chunk.length);
            if (size > max) throw new Error(`larger than ${max} bytes`);
            md5.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(path),
      );
    } catch (error) {
      return `${what} could not be downloaded: ${(error as Error).message}`;
    }
    const checksum = md5.digest('base64');
    if (size !== piece.size) return `${what}: ${size} bytes received, DS announced ${piece.size}`;
    if (checksum !== piece.checksum) return `${what}: its checksum is ${checksum}, DS announced ${piece.checksum} (the file is not the one DS holds)`;
    return null;
  }

  /** The dossier's commune, in the call's region and départements; the reason it is not, or null. */
  private async resolveCommune(call: CallForApplications, values: DossierValues): Promise<string | null> {
    const code = values.project.commune.code!;
    const found = await this.syncs.communes(call.regionCode, code);
    if (found.length === 0) return `commune ${code}: no commune of region ${call.regionCode} has this INSEE code or postal code`;
    if (found.length > 1) {
      return `postal code ${code} is that of ${found.length} communes (${found.map((c) => `${c.name} ${c.inseeCode}`).join(', ')}): map a commune champ, or ask the promoter for the INSEE code`;
    }
    const [commune] = found;
    if (call.departmentCodes.length && !call.departmentCodes.includes(commune.departmentCode)) {
      return `commune ${commune.name} (${commune.inseeCode}) is in département ${commune.departmentCode}; the call is open to ${call.departmentCodes.join(', ')}`;
    }
    values.project.commune.code = commune.inseeCode;
    return null;
  }

  /**
   * Write-back (when the call names an instructeur and a private annotation): our status in the
   * annotation of each of the call's DS dossiers whose status changed since it was last written.
   */
  private async annotate(call: CallForApplications, client: DsClient): Promise<void> {
    for (const d of await this.syncs.toAnnotate(call.id)) {
      const value = `Financement MSP (ARS) : ${STATUS_WORDS[d.status]} — mis à jour le ${new Date().toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' })}`;
      try {
        await client.annotate({ dossierId: d.dsId, instructeurId: call.dsInstructeurId!, annotationId: call.dsStatusAnnotationId!, value });
        await this.syncs.annotated(d.applicationId, d.status);
      } catch (error) {
        // Tried again at the next sync; the intake itself succeeded.
        this.logger.warn({ err: error, applicationId: d.applicationId }, 'status annotation not written on Démarches Simplifiées');
      }
    }
  }

  /** Applies what DS changed after the dossier left DRAFT (its promoter, project and expenses), audited. */
  acceptChanges(p: Principal, applicationId: string): Promise<ApplicationDto> {
    return this.settle(p, applicationId, 'accept');
  }

  /** Keeps our dossier as it is: DS's changes are no longer pending (a later change on DS is shown again). */
  dismissChanges(p: Principal, applicationId: string): Promise<ApplicationDto> {
    return this.settle(p, applicationId, 'dismiss');
  }

  private async settle(p: Principal, applicationId: string, how: 'accept' | 'dismiss'): Promise<ApplicationDto> {
    await this.applications.get(p, applicationId);
    await this.writes.run(p, async () => {
      const link = await this.syncs.lockLinkOf(applicationId);
      if (!link) throw conflict(`Dossier ${applicationId} did not come from Démarches Simplifiées.`, { rule: 'not-from-ds' });
      const applied = link.appliedValues as unknown as DossierValues;
      const read = link.readValues as unknown as DossierValues;
      const changes = changesBetween(applied, read);
      if (!changes.length) throw conflict('Démarches Simplifiées changed nothing that waits for an instructor.', { rule: 'no-ds-changes' });
      if (how === 'accept') await this.apply(p, await this.syncs.dossier(applicationId), link.number, applied, read);
      await this.syncs.updateLink(applicationId, { appliedValues: read });
      await this.event(p, applicationId, how === 'accept' ? 'DS_CHANGES_ACCEPTED' : 'DS_CHANGES_DISMISSED', { dsNumber: link.number, changes });
      return {
        audit: { action: `application.ds_changes.${how}`, entity: 'application', entityId: applicationId, regionCode: p.regionCode, after: { changes } },
        result: undefined,
      };
    });
    return this.applications.get(p, applicationId);
  }

  /**
   * A message to the promoter on DS (write-back, when the call allows messages and names an
   * instructeur): by default, the pièces the dossier's next move still needs. Recorded in the
   * dossier's history once DS has taken it.
   */
  async message(p: Principal, applicationId: string, body: string | undefined): Promise<DsMessageSentDto> {
    const app = await this.applications.get(p, applicationId);
    const link = await this.syncs.linkOf(applicationId);
    if (!link) throw conflict(`Dossier ${applicationId} did not come from Démarches Simplifiées.`, { rule: 'not-from-ds' });
    const call = (await this.syncs.call(link.callId))!;
    if (!call.dsMessages || !call.dsInstructeurId || !call.dsTokenCipher) {
      throw conflict('Messages to promoters on Démarches Simplifiées are off for this call: set ds.writeBack.messages and ds.writeBack.instructeurId.', {
        rule: 'ds-write-back-off',
      });
    }
    const text = body?.trim() ?? missingPiecesMessage(app.checklist.missing, link.number);
    if (!text) throw conflict('The dossier lacks no pièce for its next move: write the message in body.', { rule: 'nothing-missing' });
    let messageId: string;
    try {
      messageId = await this.ds.client(this.secrets.open(call.dsTokenCipher)).message({ dossierId: link.dsId, instructeurId: call.dsInstructeurId, body: text });
    } catch (error) {
      throw problemOf(error);
    }
    await this.writes.run(p, async () => {
      await this.event(p, applicationId, 'DS_MESSAGE_SENT', { dsNumber: link.number, messageId, body: text });
      return {
        audit: { action: 'application.ds_message', entity: 'application', entityId: applicationId, regionCode: app.regionCode, after: { messageId, body: text } },
        result: undefined,
      };
    });
    return { messageId, body: text };
  }

  /** The dossier's page for DS's instructeurs: `/procedures/{démarche}/dossiers/{number}` on DS's host. */
  private urlOf(call: CallForApplications, number: number): string {
    return `${new URL(this.config.ds.apiUrl).origin}/procedures/${call.dsDemarcheNumber}/dossiers/${number}`;
  }

  /** A call's runs are the region's (their refusals quote what dossiers of any département hold): run and read by its region-wide callers. */
  private async callOf(p: Principal, callId: string): Promise<CallForApplications> {
    assertRegionWide(p, "A call's sync");
    const call = await this.syncs.call(callId);
    if (!call || call.regionCode !== p.regionCode) throw notFound(`Call ${callId}`);
    return call;
  }
}

/** The default message: the pièces the next move needs, in French. */
function missingPiecesMessage(missing: DocumentKind[], dsNumber: number): string | null {
  if (!missing.length) return null;
  return [
    'Bonjour,',
    `Pour poursuivre l’instruction de votre dossier n° ${dsNumber}, il nous manque ${missing.length > 1 ? 'les pièces suivantes' : 'la pièce suivante'} :`,
    ...missing.map((k) => `- ${PIECE_TITLES[k]}`),
    'Merci de les déposer sur Démarches Simplifiées, dans votre dossier.',
    'L’ARS',
  ].join('\n');
}

function assertConfigured(call: CallForApplications): void {
  if (call.dsDemarcheNumber === null || call.dsTokenCipher === null || call.mappingRevision === null) {
    throw conflict('The call has no démarche on Démarches Simplifiées, no token or no mapping: set ds.demarcheNumber, PUT its ds-token and its mapping.', {
      rule: 'ds-not-configured',
    });
  }
}

const expensesOf = (v: DossierValues) => v.expenses.map((e) => ({ category: e.category, nature: e.nature, label: e.label, amountCents: Number(e.amountCents) }));

/** Equal as JSON whatever the order of keys (jsonb keeps its own). */
const sameJson = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
