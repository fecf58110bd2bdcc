import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { STAFF_READERS } from '../common/access/roles.js';
import { DashboardService } from './dashboard.service.js';
import { DashboardDto } from './dto/dashboard.dto.js';

@ApiTags('dashboard')
@ApiBearerAuth()
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({
    summary: 'Where the dossiers of your territory stand',
    description:
      'Dossiers by status and étape; récépissés overdue and due within 15 days, and open dossiers idle for 90 days (the DEADLINES report’s rules, today in Europe/Paris), the most urgent listed; the open envelopes by funder: amount, committed, remaining, paid.',
  })
  @ApiOkResponse({ type: DashboardDto })
  read(@CurrentPrincipal() p: Principal): Promise<DashboardDto> {
    return this.dashboard.read(p);
  }
}
