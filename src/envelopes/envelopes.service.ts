import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository.js';
import { assertRegionWide, type Principal, territoryOf } from '../common/access/principal.js';
import { conflict, forbidden, invalid, notFound } from '../common/errors/problem.js';
import { type Page, type PageQuery, pageOf } from '../common/http/pagination.js';
import { centsToJson } from '../common/money.js';
import { PrismaService } from '../database/prisma.service.js';
import type { EnvelopeMovement } from '../generated/prisma/client.js';
import type { AdjustmentDto, CreateEnvelopeDto, EnvelopeDto, MovementDto } from './dto/envelope.dto.js';
import { envelopeDepartmentProblems } from './envelope-rules.js';
import { EnvelopesRepository, type EnvelopeWithTotal } from './envelopes.repository.js';

export const toEnvelopeDto = (e: EnvelopeWithTotal): EnvelopeDto => ({
  id: e.id,
  funder: e.funder,
  regionCode: e.regionCode,
  departmentCode: e.departmentCode,
  programme: e.programme,
  amountCents: centsToJson(e.amountCents),
  committedCents: centsToJson(e.committedCents),
  remainingCents: centsToJson(e.amountCents - e.committedCents),
  status: e.status,
  version: e.version,
  createdAt: e.createdAt.toISOString(),
});

const toMovementDto = (m: EnvelopeMovement): MovementDto => ({
  id: m.id,
  kind: m.kind,
  amountCents: centsToJson(m.amountCents),
  applicationId: m.applicationId,
  note: m.note,
  actorId: m.actorId,
  createdAt: m.createdAt.toISOString(),
});

@Injectable()
export class EnvelopesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly envelopes: EnvelopesRepository,
    private readonly audit: AuditRepository,
  ) {}

  async list(p: Principal, q: PageQuery): Promise<Page<EnvelopeDto>> {
    return pageOf(q, (after, take) => this.envelopes.list(territoryOf(p), after, take), toEnvelopeDto);
  }

  async get(p: Principal, id: string): Promise<EnvelopeDto> {
    const row = await this.envelopes.find(territoryOf(p), id);
    if (!row) throw notFound(`Envelope ${id}`);
    return toEnvelopeDto(row);
  }

  async movements(p: Principal, id: string, q: PageQuery): Promise<Page<MovementDto>> {
    const page = await pageOf(q, (after, take) => this.envelopes.movements(territoryOf(p), id, after, take), toMovementDto);
    // An empty page: an envelope with no movement yet, or none in the caller's scope (404).
    if (!page.items.length && !(await this.envelopes.exists(territoryOf(p), id))) throw notFound(`Envelope ${id}`);
    return page;
  }

  create(p: Principal, dto: CreateEnvelopeDto): Promise<EnvelopeDto> {
    assertRegionWide(p, 'An envelope');
    if (dto.regionCode !== p.regionCode) throw forbidden(`You manage region ${p.regionCode}, not ${dto.regionCode}.`);
    // A DETR or DEPARTEMENT envelope belongs to a département of the region; the others to none.
    const problems = envelopeDepartmentProblems(dto.funder, dto.regionCode, dto.departmentCode);
    if (problems.length) throw invalid(problems);
    return this.prisma.$transaction(async (tx) => {
      // The partial unique index refuses a second open envelope of a (funder, region, département): 409.
      const row = await this.envelopes.create(tx, { ...dto, departmentCode: dto.departmentCode ?? null, amountCents: BigInt(dto.amountCents) });
      const created = toEnvelopeDto({ ...row, committedCents: 0n });
      await this.audit.change(tx, p, { entity: 'envelope', entityId: row.id, regionCode: row.regionCode, after: created });
      return created;
    });
  }

  close(p: Principal, id: string): Promise<EnvelopeDto> {
    assertRegionWide(p, 'An envelope');
    return this.prisma.$transaction(async (tx) => {
      const before = await this.envelopes.find(territoryOf(p), id, tx);
      if (!before) throw notFound(`Envelope ${id}`);
      if (!(await this.envelopes.close(tx, id))) throw conflict('The envelope is already closed.');
      const after = (await this.envelopes.find(territoryOf(p), id, tx))!;
      await this.audit.change(tx, p, { action: 'envelope.close', entity: 'envelope', entityId: id, regionCode: p.regionCode, before: toEnvelopeDto(before), after: toEnvelopeDto(after) });
      return toEnvelopeDto(after);
    });
  }

  adjust(p: Principal, id: string, dto: AdjustmentDto): Promise<EnvelopeDto> {
    assertRegionWide(p, 'An envelope');
    return this.prisma.$transaction(async (tx) => {
      if (!(await this.envelopes.find(territoryOf(p), id, tx))) throw notFound(`Envelope ${id}`);
      const before = await this.envelopes.lock(tx, id);
      if (before.status !== 'OPEN') throw conflict('The envelope is closed.');
      const committed = before.committedCents + BigInt(dto.amountCents);
      if (committed > before.amountCents || committed < 0n) {
        throw conflict(`The adjustment would take the envelope out of its bounds (remaining ${before.amountCents - committed} cents).`, { remainingCents: centsToJson(before.amountCents - before.committedCents) });
      }
      await this.envelopes.addMovement(tx, { envelopeId: id, kind: 'ADJUSTMENT', amountCents: BigInt(dto.amountCents), note: dto.note, actorId: p.id });
      const after = await this.envelopes.lock(tx, id);
      await this.audit.change(tx, p, { action: 'envelope.adjust', entity: 'envelope', entityId: id, regionCode: p.regionCode, before: toEnvelopeDto(before), after: toEnvelopeDto(after) });
      return toEnvelopeDto(after);
    });
  }
}
