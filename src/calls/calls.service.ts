import { Inject, Injectable } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import { assertRegionWide, type Principal } from '../common/access/principal.js';
import { SECRET_BOX, type SecretBox } from '../common/crypto/secret-box.js';
import { businessRule, conflict, type FieldError, forbidden, invalid, notFound } from '../common/errors/problem.js';
import { DsGateway } from '../ds/ds-gateway.js';
import { type Page, pageOf } from '../common/http/pagination.js';
import { requireChange } from '../common/http/validation.js';
import { fromDbDate, toDbDate } from '../common/validation/dates.js';
import type { CallForApplications } from '../generated/prisma/client.js';
import { isDepartmentOfRegion } from '../reference/departments.js';
import { type CallData, CallsRepository } from './calls.repository.js';
import type { CallDto, CallQuery, CallWriteBackDto, CreateCallDto, MappedFieldDto, MappingDefaultsDto, MappingDto, UpdateCallDto } from './dto/call.dto.js';
import { type MappedField, mappingProblems } from './mapping.js';

export const toCallDto = (c: CallForApplications): CallDto => ({
  id: c.id,
  regionCode: c.regionCode,
  departmentCodes: c.departmentCodes,
  title: c.title,
  opensOn: fromDbDate(c.opensOn),
  closesOn: fromDbDate(c.closesOn),
  procedure: c.procedure,
  ds:
    c.dsDemarcheNumber === null
      ? null
      : {
          demarcheNumber: c.dsDemarcheNumber,
          hasToken: c.dsTokenCipher !== null,
          writeBack: c.dsInstructeurId ? { instructeurId: c.dsInstructeurId, statusAnnotationId: c.dsStatusAnnotationId, messages: c.dsMessages } : null,
          syncedUntil: c.dsSyncedUntil?.toISOString() ?? null,
        },
  mapping:
    c.mapping && c.mappingRevision
      ? { revision: c.mappingRevision, fields: c.mapping as unknown as MappedFieldDto[], defaults: (c.mappingDefaults ?? {}) as MappingDefaultsDto }
      : null,
  version: c.version,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

/** The write-back columns: none unless an instructeur is named. */
const writeBackColumns = (w: CallWriteBackDto | null | undefined) => ({
  dsInstructeurId: w?.instructeurId ?? null,
  dsStatusAnnotationId: w?.statusAnnotationId ?? null,
  dsMessages: w?.messages ?? false,
});

/** What is wrong with a call's dates and départements (400 naming the fields). */
function callProblems(regionCode: string, c: { opensOn: string; closesOn: string; departmentCodes: string[] }): FieldError[] {
  const problems: FieldError[] = [];
  if (c.closesOn < c.opensOn) problems.push({ field: 'closesOn', message: `must be on or after opensOn (${c.opensOn})` });
  for (const d of c.departmentCodes)
    if (!isDepartmentOfRegion(d, regionCode)) problems.push({ field: 'departmentCodes', message: `département ${d} is not in region ${regionCode}` });
  return problems;
}

/**
 * Calls for applications (appels à candidatures, seed 002): the ARS opens one per campaign,
 * for étape 1 requests or for the audit of existing centres, optionally collected on
 * Démarches Simplifiées; dossiers belong to it. Region-wide: written by the region's ARS
 * staff, read by everyone of the region.
 */
@Injectable()
export class CallsService {
  constructor(
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly calls: CallsRepository,
    private readonly writes: AuditedWrites,
    private readonly ds: DsGateway,
  ) {}

  list(p: Principal, query: CallQuery): Promise<Page<CallDto>> {
    return pageOf(query, (after, take) => this.calls.list(p.regionCode, query, after, take), toCallDto);
  }

  async get(p: Principal, id: string): Promise<CallDto> {
    return toCallDto(await this.found(p, id));
  }

  create(p: Principal, dto: CreateCallDto): Promise<CallDto> {
    assertRegionWide(p, 'A call for applications');
    if (dto.regionCode !== p.regionCode) throw forbidden(`You manage region ${p.regionCode}, not ${dto.regionCode}.`);
    const departmentCodes = dto.departmentCodes ?? [];
    const problems = callProblems(dto.regionCode, { ...dto, departmentCodes });
    if (problems.length) throw invalid(problems);
    return this.writes.create(p, {
      entity: 'call',
      write: () =>
        this.calls.create({
          regionCode: dto.regionCode,
          departmentCodes,
          title: dto.title.trim(),
          opensOn: toDbDate(dto.opensOn),
          closesOn: toDbDate(dto.closesOn),
          procedure: dto.procedure,
          dsDemarcheNumber: dto.ds?.demarcheNumber ?? null,
          dsTokenCipher: null,
          ...writeBackColumns(dto.ds?.writeBack),
        }),
      view: toCallDto,
    });
  }

  update(p: Principal, id: string, dto: UpdateCallDto, expectedVersion?: number): Promise<CallDto> {
    assertRegionWide(p, 'A call for applications');
    requireChange(dto);
    return this.writes.change(p, {
      what: `Call ${id}`,
      entity: 'call',
      entityId: id,
      expectedVersion,
      find: () => this.calls.find(p.regionCode, id),
      check: (before) => {
        const after = {
          opensOn: dto.opensOn ?? fromDbDate(before.opensOn),
          closesOn: dto.closesOn ?? fromDbDate(before.closesOn),
          departmentCodes: dto.departmentCodes ?? before.departmentCodes,
        };
        const problems = callProblems(before.regionCode, after);
        if (problems.length) throw invalid(problems);
      },
      write: (before) => {
        const data: Partial<CallData> = {
          ...(dto.title !== undefined && { title: dto.title.trim() }),
          ...(dto.departmentCodes !== undefined && { departmentCodes: dto.departmentCodes }),
          ...(dto.opensOn !== undefined && { opensOn: toDbDate(dto.opensOn) }),
          ...(dto.closesOn !== undefined && { closesOn: toDbDate(dto.closesOn) }),
          // Another démarche, or none: the token, the mapping and the watermark were the other démarche's.
          ...(dto.ds !== undefined &&
            dto.ds?.demarcheNumber !== before.dsDemarcheNumber && {
              dsDemarcheNumber: dto.ds?.demarcheNumber ?? null,
              dsTokenCipher: null,
              mapping: null,
              mappingRevision: null,
              mappingDefaults: null,
              dsSyncedUntil: null,
            }),
          ...(dto.ds !== undefined && (dto.ds === null || dto.ds.writeBack !== undefined) && writeBackColumns(dto.ds?.writeBack)),
        };
        return this.calls.update(id, before.version, data);
      },
      view: toCallDto,
    });
  }

  /** The démarche's API token, sealed (SecretBox); audited without it. */
  setDsToken(p: Principal, id: string, token: string): Promise<CallDto> {
    assertRegionWide(p, 'A call for applications');
    return this.writes.change(p, {
      what: `Call ${id}`,
      entity: 'call',
      action: 'call.ds_token',
      entityId: id,
      expectedVersion: undefined,
      find: () => this.calls.find(p.regionCode, id),
      check: (before) => {
        if (before.dsDemarcheNumber === null) throw invalid([{ field: 'token', message: 'the call has no démarche on Démarches Simplifiées: set ds.demarcheNumber first' }]);
      },
      write: (before) => this.calls.update(id, before.version, { dsTokenCipher: this.secrets.seal(token) }),
      view: toCallDto,
    });
  }

  /**
   * Which champ feeds which field, checked against the démarche's active revision (read from
   * Démarches Simplifiées with the call's token): unknown champs, champs of the wrong type,
   * required fields unfed → 422 naming each.
   */
  async setMapping(p: Principal, id: string, dto: MappingDto): Promise<CallDto> {
    assertRegionWide(p, 'A call for applications');
    const call = await this.found(p, id);
    if (call.dsDemarcheNumber === null || call.dsTokenCipher === null) {
      throw conflict('The call has no démarche on Démarches Simplifiées, or no token for it: set ds.demarcheNumber, then PUT its ds-token.', { rule: 'ds-not-configured' });
    }
    const demarche = await this.ds.demarche(call.dsDemarcheNumber, this.secrets.open(call.dsTokenCipher));
    const fields = dto.fields as MappedField[];
    const problems = mappingProblems(fields, demarche.champs);
    if (problems.length)
      throw businessRule('mapping-invalid', `The mapping does not fit démarche ${demarche.number} ("${demarche.title}"): ${problems.map((x) => x.message).join('; ')}.`, {
        errors: problems,
      });
    return this.writes.change(p, {
      what: `Call ${id}`,
      entity: 'call',
      action: 'call.mapping',
      entityId: id,
      expectedVersion: undefined,
      find: () => this.calls.find(p.regionCode, id),
      // Another mapping reads the démarche anew: every dossier, at the next sync.
      write: (before) =>
        this.calls.update(id, before.version, { mapping: fields, mappingRevision: demarche.revisionId, mappingDefaults: { ...dto.defaults }, dsSyncedUntil: null }),
      view: toCallDto,
    });
  }

  private async found(p: Principal, id: string): Promise<CallForApplications> {
    const call = await this.calls.find(p.regionCode, id);
    if (!call) throw notFound(`Call ${id}`);
    return call;
  }
}
