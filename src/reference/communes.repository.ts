import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { updateIfVersion } from '../database/versioned.js';
import type { Prisma } from '../generated/prisma/client.js';
import { searchKey } from './search-key.js';

const withEpci = { epci: { select: { name: true } } } as const;
export type CommuneRow = Prisma.CommuneGetPayload<{ include: typeof withEpci }>;

export interface CommuneFilter {
  q?: string;
  departmentCode?: string;
}

export interface ManualCommune {
  inseeCode: string;
  name: string;
  departmentCode: string;
  regionCode: string;
  population: number;
  zone: 'ZIP' | 'ZAC' | 'NONE';
  qpv: boolean;
  island: boolean;
  rural: boolean;
}

@Injectable()
export class CommunesRepository extends Repository {
  list(territory: Territory, filter: CommuneFilter, after: string | undefined, take: number): Promise<CommuneRow[]> {
    const where: Prisma.CommuneWhereInput = { ...territory };
    if (filter.departmentCode) where.AND = [{ departmentCode: filter.departmentCode }];
    if (filter.q) {
      where.OR = /^\d{5}$/.test(filter.q) ? [{ postalCodes: { has: filter.q } }, { inseeCode: filter.q }] : [{ searchName: { contains: searchKey(filter.q) } }];
    }
    if (after) where.inseeCode = { gt: after };
    return this.db.commune.findMany({ where, include: withEpci, orderBy: { inseeCode: 'asc' }, take });
  }

  find(territory: Territory, inseeCode: string): Promise<CommuneRow | null> {
    return this.db.commune.findFirst({ where: { inseeCode, ...territory }, include: withEpci });
  }

  /** The regions of the given communes, whatever the caller's scope (import conflicts). */
  async regionsOf(inseeCodes: string[]): Promise<Map<string, string>> {
    const rows = await this.db.commune.findMany({
      where: { inseeCode: { in: inseeCodes } },
      select: { inseeCode: true, regionCode: true },
    });
    return new Map(rows.map((r) => [r.inseeCode, r.regionCode]));
  }

  create(c: ManualCommune): Promise<CommuneRow> {
    return this.db.commune.create({
      data: { ...c, searchName: searchKey(c.name), source: 'MANUAL', ruralConfirmed: true },
      include: withEpci,
    });
  }

  update(territory: Territory, inseeCode: string, version: number, data: Partial<Omit<ManualCommune, 'inseeCode' | 'departmentCode' | 'regionCode'>>): Promise<boolean> {
    const changes: Record<string, unknown> = { ...data };
    if (data.name !== undefined) changes.searchName = searchKey(data.name);
    // A rural flag set by a person is the préfecture's word: official loads keep it.
    if (data.rural !== undefined) changes.ruralConfirmed = true;
    return updateIfVersion(this.db.commune, { inseeCode, ...territory }, version, changes);
  }

  /** Sets the zoning of existing communes of the region; returns how many changed. */
  async updateZoning(regionCode: string, rows: { inseeCode: string; zone: string; qpv: boolean; island: boolean }[]): Promise<number> {
    const col = <K extends 'inseeCode' | 'zone' | 'qpv' | 'island'>(k: K) => rows.map((r) => r[k]);
    return this.sqlCount`
      UPDATE communes c SET zone = z.zone::"Zone", qpv = z.qpv, island = z.island, version = c.version + 1, updated_at = now()
      FROM unnest(${col('inseeCode')}::text[], ${col('zone')}::text[], ${col('qpv')}::boolean[], ${col('island')}::boolean[]) AS z(insee_code, zone, qpv, island)
      WHERE c.insee_code = z.insee_code AND c.region_code = ${regionCode}
        AND (c.zone::text, c.qpv, c.island) IS DISTINCT FROM (z.zone, z.qpv, z.island)`;
  }

  /** Inserts or updates all rows in one statement (all or nothing); returns the counts. */
  async upsertManual(rows: ManualCommune[]): Promise<{ inserted: number; updated: number }> {
    const col = <K extends keyof ManualCommune>(k: K) => rows.map((r) => r[k]);
    const result = await this.sql<{ inserted: bigint; updated: bigint }>`
      WITH input AS (
        SELECT * FROM unnest(
          ${col('inseeCode')}::text[], ${col('name')}::text[], ${rows.map((r) => searchKey(r.name))}::text[],
          ${col('departmentCode')}::text[], ${col('regionCode')}::text[], ${col('population')}::int[],
          ${col('zone')}::text[], ${col('qpv')}::boolean[], ${col('island')}::boolean[], ${col('rural')}::boolean[]
        ) AS t(insee_code, name, search_name, department_code, region_code, population, zone, qpv, island, rural)
      ), written AS (
        INSERT INTO communes (insee_code, name, search_name, department_code, region_code, population,
                              zone, qpv, island, rural, rural_confirmed, source, updated_at)
        SELECT insee_code, name, search_name, department_code, region_code, population,
               zone::"Zone", qpv, island, rural, true, 'MANUAL', now()
        FROM input
        ON CONFLICT (insee_code) DO UPDATE SET
          name = EXCLUDED.name, search_name = EXCLUDED.search_name, population = EXCLUDED.population,
          zone = EXCLUDED.zone, qpv = EXCLUDED.qpv, island = EXCLUDED.island, rural = EXCLUDED.rural,
          rural_confirmed = true, version = communes.version + 1, updated_at = now()
        RETURNING (xmax = 0) AS inserted
      )
      SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM written`;
    return { inserted: Number(result[0].inserted), updated: Number(result[0].updated) };
  }
}
