import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import { STAFF_READERS } from '../common/access/roles.js';
import { type Principal, territoryOf } from '../common/access/principal.js';
import { invalid, notFound } from '../common/errors/problem.js';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/http/pagination.js';
import { SIREN } from '../common/validation/codes.js';
import type { Epci } from '../generated/prisma/client.js';
import { epciDetr } from './detr.js';
import { EpciDto, EpciPageDto, EpciQuery } from './dto/epci.dto.js';
import { EpcisRepository } from './epcis.repository.js';

const toEpciDto = (e: Epci): EpciDto => ({
  siren: e.siren,
  name: e.name,
  type: e.type,
  population: e.population,
  memberCount: e.memberCount,
  detr: epciDetr(e.population, e.largestMemberPopulation),
});

// Reads only, straight from the repository: there is no rule to put in a service.
@ApiTags('communes')
@ApiBearerAuth()
@Controller('epcis')
export class EpcisController {
  constructor(private readonly epcis: EpcisRepository) {}

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: EpciPageDto })
  async list(@CurrentPrincipal() p: Principal, @Query() q: EpciQuery) {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const rows = await this.epcis.list(territoryOf(p), q, decodeCursor(q.cursor, SIREN), limit + 1);
    return toPage(rows, limit, (r) => r.siren, toEpciDto);
  }

  @Get(':siren')
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: EpciDto })
  async get(@CurrentPrincipal() p: Principal, @Param('siren') siren: string): Promise<EpciDto> {
    if (!SIREN.test(siren)) throw invalid([{ field: 'siren', message: 'must be a SIREN of 9 digits' }]);
    const row = await this.epcis.find(territoryOf(p), siren);
    if (!row) throw notFound(`EPCI ${siren}`);
    return toEpciDto(row);
  }
}
