import { requireChange } from '../common/http/validation.js';
import { Injectable } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import { assertRegionWide, type Principal, territoryOf } from '../common/access/principal.js';
import { businessRule, type FieldError, forbidden, invalid, notFound } from '../common/errors/problem.js';
import { csvBool, csvInt, csvText, parseCsvRows } from '../common/http/csv.js';
import { decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../common/http/pagination.js';
import { communeInDepartment } from '../common/validation/codes.js';
import { type CommuneRow, CommunesRepository } from './communes.repository.js';
import { isDepartmentOfRegion } from './departments.js';
import { communeDetr } from './detr.js';
import { CommuneDto, type CommuneQuery, CreateCommuneDto, type ImportResultDto, type UpdateCommuneDto } from './dto/commune.dto.js';
import { type ZoningResultDto, ZoningRowDto } from './dto/epci.dto.js';

const INSEE_KEY = /^(?:\d{5}|2[AB]\d{3})$/;

export function toCommuneDto(c: CommuneRow): CommuneDto {
  return {
    inseeCode: c.inseeCode,
    name: c.name,
    departmentCode: c.departmentCode,
    regionCode: c.regionCode,
    population: c.population,
    zone: c.zone,
    qpv: c.qpv,
    island: c.island,
    rural: c.rural,
    source: c.source,
    postalCodes: c.postalCodes,
    siren: c.siren,
    epciSiren: c.epciSiren,
    epciName: c.epci?.name ?? null,
    detr: communeDetr(c.population, c.departmentCode),
    active: c.active,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const CSV_COLUMNS = {
  inseeCode: csvText,
  name: csvText,
  departmentCode: csvText,
  regionCode: csvText,
  population: csvInt,
  zone: csvText,
  qpv: csvBool,
  island: csvBool,
  rural: csvBool,
};

@Injectable()
export class CommunesService {
  constructor(
    private readonly communes: CommunesRepository,
    private readonly writes: AuditedWrites,
  ) {}

  async list(principal: Principal, query: CommuneQuery): Promise<Page<CommuneDto>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = decodeCursor(query.cursor, INSEE_KEY);
    const rows = await this.communes.list(territoryOf(principal), query, after, limit + 1);
    return toPage(rows, limit, (r) => r.inseeCode, toCommuneDto);
  }

  async get(principal: Principal, inseeCode: string): Promise<CommuneDto> {
    const row = await this.communes.find(territoryOf(principal), inseeCode);
    if (!row) throw notFound(`Commune ${inseeCode}`);
    return toCommuneDto(row);
  }

  async create(principal: Principal, dto: CreateCommuneDto): Promise<CommuneDto> {
    assertRegionWide(principal, 'A commune');
    this.checkOwnRegion(principal, dto.regionCode);
    this.checkDepartment(dto);
    // The département must lie in the region (and so in the caller's): 29020 of Finistère is
    // region 53's, whatever regionCode says (src/reference/departments.ts).
    if (!isDepartmentOfRegion(dto.departmentCode, dto.regionCode)) {
      throw businessRule('department-not-in-region', `Département ${dto.departmentCode} is not in region ${dto.regionCode}: commune ${dto.inseeCode} cannot be created there.`, {
        inseeCode: dto.inseeCode,
        departmentCode: dto.departmentCode,
        regionCode: dto.regionCode,
      });
    }
    return this.writes.create(principal, {
      entity: 'commune',
      write: () => this.communes.create(dto),
      entityId: (created) => created.inseeCode,
      view: toCommuneDto,
    });
  }

  async update(principal: Principal, inseeCode: string, dto: UpdateCommuneDto, expectedVersion?: number) {
    assertRegionWide(principal, 'A commune');
    requireChange(dto);
    const territory = territoryOf(principal);
    return this.writes.change(principal, {
      what: `Commune ${inseeCode}`,
      entity: 'commune',
      entityId: inseeCode,
      expectedVersion,
      find: () => this.communes.find(territory, inseeCode),
      write: (before) => this.communes.update(territory, inseeCode, before.version, dto),
      view: toCommuneDto,
    });
  }

  async importCsv(principal: Principal, body: unknown): Promise<ImportResultDto> {
    assertRegionWide(principal, 'The communes');
    const rows = await parseCsvRows(body, CSV_COLUMNS, CreateCommuneDto, async (valid) => {
      const existing = await this.communes.regionsOf(valid.map((r) => r.row.inseeCode));
      const seen = new Set<string>();
      return valid.flatMap(({ line, row }) => {
        const errors: FieldError[] = [];
        if (row.regionCode !== principal.regionCode) {
          errors.push({ field: 'regionCode', line, message: `region ${row.regionCode} is not yours (${principal.regionCode})` });
        }
        const owner = existing.get(row.inseeCode);
        if (owner && owner !== principal.regionCode) {
          errors.push({ field: 'inseeCode', line, message: `commune ${row.inseeCode} belongs to region ${owner}` });
        }
        if (!communeInDepartment(row.inseeCode, row.departmentCode)) {
          errors.push({ field: 'departmentCode', line, message: `commune ${row.inseeCode} is not in département ${row.departmentCode}` });
        }
        if (!isDepartmentOfRegion(row.departmentCode, row.regionCode)) {
          errors.push({ field: 'departmentCode', line, message: `department-not-in-region: département ${row.departmentCode} is not in region ${row.regionCode}` });
        }
        if (seen.has(row.inseeCode)) errors.push({ field: 'inseeCode', line, message: `${row.inseeCode} appears twice` });
        seen.add(row.inseeCode);
        return errors;
      });
    });
    return this.writes.run(principal, async () => {
      const counts = await this.communes.upsertManual(rows.map((r) => r.row));
      return {
        audit: {
          action: 'commune.import',
          entity: 'commune',
          entityId: `import:${rows.length}`,
          regionCode: principal.regionCode,
          after: { ...counts, inseeCodes: rows.map((r) => r.row.inseeCode) },
        },
        result: { ...counts, total: rows.length },
      };
    });
  }

  /** Sets the ARS's zoning of existing communes: all rows or none. */
  async importZoning(principal: Principal, body: unknown): Promise<ZoningResultDto> {
    assertRegionWide(principal, 'The zoning of the communes');
    const rows = await parseCsvRows(body, { inseeCode: csvText, zone: csvText, qpv: csvBool, island: csvBool }, ZoningRowDto, async (valid) => {
      const known = await this.communes.regionsOf(valid.map((r) => r.row.inseeCode));
      return valid.flatMap(({ line, row }) =>
        known.get(row.inseeCode) === principal.regionCode ? [] : [{ field: 'inseeCode', line, message: `no commune ${row.inseeCode} in region ${principal.regionCode}` }],
      );
    });
    return this.writes.run(principal, async () => {
      const updated = await this.communes.updateZoning(
        principal.regionCode,
        rows.map((r) => r.row),
      );
      return {
        audit: {
          action: 'commune.zoning_import',
          entity: 'commune',
          entityId: `zoning:${rows.length}`,
          regionCode: principal.regionCode,
          after: { updated, rows: rows.map((r) => r.row) },
        },
        result: { updated, total: rows.length },
      };
    });
  }

  private checkOwnRegion(principal: Principal, regionCode: string): void {
    if (regionCode !== principal.regionCode) {
      throw forbidden(`You manage region ${principal.regionCode}, not ${regionCode}.`);
    }
  }

  private checkDepartment(dto: { inseeCode: string; departmentCode: string }): void {
    if (!communeInDepartment(dto.inseeCode, dto.departmentCode)) {
      throw invalid([{ field: 'departmentCode', message: `commune ${dto.inseeCode} is not in département ${dto.departmentCode}` }]);
    }
  }
}
