import { Injectable } from '@nestjs/common';
import { Repository } from '../../database/repository.js';
import { searchKey } from '../search-key.js';
import type { OfficialCommune, OfficialEpci } from './dataset.js';

export interface LoadCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  epcis: number;
}

/**
 * Writes a region's slice of the official dataset in a few set-based statements (arrays
 * through unnest, not a round trip per commune). What belongs to the ARS — zoning, and a
 * `rural` flag a person confirmed — is never overwritten. A row is only touched when a fact
 * changed, so a second load of the same release reports nothing updated.
 */
@Injectable()
export class OfficialRepository extends Repository {
  async load(regionCode: string, communes: OfficialCommune[], epcis: OfficialEpci[], source: string, version: string): Promise<LoadCounts> {
    const e = <K extends keyof OfficialEpci>(k: K) => epcis.map((x) => x[k]);
    const epciCount = await this.sqlCount`
      INSERT INTO epcis (siren, name, type, population, member_count, largest_member_population, updated_at)
      SELECT * , now() FROM unnest(${e('siren')}::text[], ${e('name')}::text[], ${e('type')}::text[], ${e('population')}::int[],
                                   ${e('memberCount')}::int[], ${e('largestMemberPopulation')}::int[])
      ON CONFLICT (siren) DO UPDATE SET
        name = EXCLUDED.name, type = EXCLUDED.type, population = EXCLUDED.population, member_count = EXCLUDED.member_count,
        largest_member_population = EXCLUDED.largest_member_population, version = epcis.version + 1, updated_at = now()
      WHERE (epcis.name, epcis.type, epcis.population, epcis.member_count, epcis.largest_member_population)
            IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.type, EXCLUDED.population, EXCLUDED.member_count, EXCLUDED.largest_member_population)`;

    const c = <K extends keyof OfficialCommune>(k: K) => communes.map((x) => x[k]);
    // Postal codes travel as one comma-joined text per commune (unnest cannot take text[][]).
    const [counts] = await this.sql<{ inserted: bigint; updated: bigint }>`
      WITH input AS (
        SELECT * FROM unnest(
          ${c('inseeCode')}::text[], ${c('name')}::text[], ${communes.map((x) => searchKey(x.name))}::text[],
          ${c('departmentCode')}::text[], ${c('regionCode')}::text[], ${c('population')}::int[],
          ${communes.map((x) => x.postalCodes.join(','))}::text[], ${c('siren')}::text[], ${c('epciSiren')}::text[], ${c('ruralDefault')}::boolean[]
        ) AS t(insee_code, name, search_name, department_code, region_code, population, postal_codes, siren, epci_siren, rural)
      ), written AS (
        INSERT INTO communes (insee_code, name, search_name, department_code, region_code, population, postal_codes,
                              siren, epci_siren, rural, source, active, updated_at)
        SELECT insee_code, name, search_name, department_code, region_code, population,
               CASE WHEN postal_codes = '' THEN '{}'::text[] ELSE string_to_array(postal_codes, ',') END,
               siren, epci_siren, rural, 'OFFICIAL', true, now()
        FROM input
        ON CONFLICT (insee_code) DO UPDATE SET
          name = EXCLUDED.name, search_name = EXCLUDED.search_name, department_code = EXCLUDED.department_code,
          region_code = EXCLUDED.region_code, population = EXCLUDED.population, postal_codes = EXCLUDED.postal_codes,
          siren = EXCLUDED.siren, epci_siren = EXCLUDED.epci_siren, source = 'OFFICIAL', active = true,
          rural = CASE WHEN communes.rural_confirmed THEN communes.rural ELSE EXCLUDED.rural END,
          version = communes.version + 1, updated_at = now()
        WHERE (communes.name, communes.department_code, communes.region_code, communes.population, communes.postal_codes,
               communes.siren, communes.epci_siren, communes.source, communes.active,
               CASE WHEN communes.rural_confirmed THEN communes.rural ELSE EXCLUDED.rural END)
              IS DISTINCT FROM
              (EXCLUDED.name, EXCLUDED.department_code, EXCLUDED.region_code, EXCLUDED.population, EXCLUDED.postal_codes,
               EXCLUDED.siren, EXCLUDED.epci_siren, 'OFFICIAL'::"CommuneSource", true, communes.rural)
        RETURNING (xmax = 0) AS inserted
      )
      SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM written`;

    // A commune that left the dataset (merged into another) is kept for the dossiers that
    // name it, marked inactive.
    const deactivated = await this.sqlCount`
      UPDATE communes SET active = false, version = version + 1, updated_at = now()
      WHERE region_code = ${regionCode} AND source = 'OFFICIAL' AND active AND NOT (insee_code = ANY(${c('inseeCode')}::text[]))`;

    await this.sqlCount`
      INSERT INTO reference_loads (region_code, source, version, loaded_at) VALUES (${regionCode}, ${source}, ${version}, now())
      ON CONFLICT (region_code) DO UPDATE SET source = EXCLUDED.source, version = EXCLUDED.version, loaded_at = now()`;

    const inserted = Number(counts.inserted);
    const updated = Number(counts.updated);
    return { inserted, updated, unchanged: communes.length - inserted - updated, deactivated, epcis: epciCount };
  }
}
