import { Injectable } from '@nestjs/common';
import { type Principal, territoryOf } from '../common/access/principal.js';
import { invalid, notFound } from '../common/errors/problem.js';
import { decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../common/http/pagination.js';
import { SIREN } from '../common/validation/codes.js';
import type { Epci } from '../generated/prisma/client.js';
import { epciDetr } from './detr.js';
import type { EpciDto, EpciQuery } from './dto/epci.dto.js';
import { EpcisRepository } from './epcis.repository.js';

const toEpciDto = (e: Epci): EpciDto => ({
  siren: e.siren,
  name: e.name,
  type: e.type,
  population: e.population,
  memberCount: e.memberCount,
  detr: epciDetr(e.population, e.largestMemberPopulation),
});

@Injectable()
export class EpcisService {
  constructor(private readonly epcis: EpcisRepository) {}

  async list(p: Principal, q: EpciQuery): Promise<Page<EpciDto>> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const rows = await this.epcis.list(territoryOf(p), q, decodeCursor(q.cursor, SIREN), limit + 1);
    return toPage(rows, limit, (r) => r.siren, toEpciDto);
  }

  async get(p: Principal, siren: string): Promise<EpciDto> {
    if (!SIREN.test(siren)) throw invalid([{ field: 'siren', message: 'must be a SIREN of 9 digits' }]);
    const row = await this.epcis.find(territoryOf(p), siren);
    if (!row) throw notFound(`EPCI ${siren}`);
    return toEpciDto(row);
  }
}
