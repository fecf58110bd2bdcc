import { Injectable } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import { assertRegionWide, type Principal, territoryOf } from '../common/access/principal.js';
import { conflict, forbidden, invalid, notFound } from '../common/errors/problem.js';
import { type Page, type PageQuery, pageOf } from '../common/http/pagination.js';
import { centsToJson } from '../common/money.js';
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
    private readonly envelopes: EnvelopesRepository,
    private readonly writes: AuditedWrites,
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
    return this.writes.create(p, {
      entity: 'envelope',
      // The partial unique index refuses a second open envelope of a (funder, region, département): 409.
      write: () => this.envelopes.create({ ...dto, departmentCode: dto.departmentCode ?? null, amountCents: BigInt(dto.amountCents) }),
      view: (row) => toEnvelopeDto({ ...row, committedCents: 0n }),
    });
  }

  close(p: Principal, id: string): Promise<EnvelopeDto> {
    assertRegionWide(p, 'An envelope');
    return this.writes.change(p, {
      what: `Envelope ${id}`,
      entity: 'envelope',
      action: 'envelope.close',
      entityId: id,
      expectedVersion: undefined,
      find: () => this.envelopes.find(territoryOf(p), id),
      write: () => this.envelopes.close(id),
      lost: () => conflict('The envelope is already closed.'),
      view: toEnvelopeDto,
    });
  }

  adjust(p: Principal, id: string, dto: AdjustmentDto): Promise<EnvelopeDto> {
    assertRegionWide(p, 'An envelope');
    return this.writes.change(p, {
      what: `Envelope ${id}`,
      entity: 'envelope',
      action: 'envelope.adjust',
      entityId: id,
      expectedVersion: undefined,
      find: () => this.envelopes.find(territoryOf(p), id),
      // Adjustments and commitments of one envelope take turns on its row.
      check: async () => {
        const locked = await this.envelopes.lock(id);
        if (locked.status !== 'OPEN') throw conflict('The envelope is closed.');
        const committed = locked.committedCents + BigInt(dto.amountCents);
        if (committed > locked.amountCents || committed < 0n) {
          throw conflict(`The adjustment would take the envelope out of its bounds (remaining ${locked.amountCents - committed} cents).`, {
            remainingCents: centsToJson(locked.amountCents - locked.committedCents),
          });
        }
        return locked;
      },
      write: async () => {
        await this.envelopes.addMovement({ envelopeId: id, kind: 'ADJUSTMENT', amountCents: BigInt(dto.amountCents), note: dto.note, actorId: p.id });
        return true;
      },
      view: toEnvelopeDto,
      audit: (_before, after, locked) => ({ before: toEnvelopeDto(locked), after: toEnvelopeDto(after) }),
    });
  }
}
