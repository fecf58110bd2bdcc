import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import { STAFF_READERS } from '../common/access/roles.js';
import type { Principal } from '../common/access/principal.js';
import { EpciDto, EpciPageDto, EpciQuery } from './dto/epci.dto.js';
import { EpcisService } from './epcis.service.js';

@ApiTags('epcis')
@ApiBearerAuth()
@Controller('epcis')
export class EpcisController {
  constructor(private readonly epcis: EpcisService) {}

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Search EPCI', description: "The intercommunalities of the caller's territory, by name or département." })
  @ApiOkResponse({ type: EpciPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: EpciQuery) {
    return this.epcis.list(p, q);
  }

  @Get(':siren')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Read an EPCI', description: 'By its SIREN, with its DETR eligibility.' })
  @ApiOkResponse({ type: EpciDto })
  get(@CurrentPrincipal() p: Principal, @Param('siren') siren: string): Promise<EpciDto> {
    return this.epcis.get(p, siren);
  }
}
