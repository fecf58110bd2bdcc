import { ADMIN_ONLY, DIRECTOR_ONLY, INSTRUCTORS, LINE_WRITERS, STAFF_READERS } from '../common/access/roles.js';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { Created } from '../common/http/location.js';
import { PageQuery } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/params.js';
import { validateArray } from '../common/http/validation.js';
import type { Funder } from '../generated/prisma/enums.js';
import {
  CommitmentDto,
  ComputeDto,
  DetrConfirmationDto,
  DetrConfirmationResultDto,
  CreateRuleSetDto,
  ExpenseDto,
  ExpensesViewDto,
  FunderRuleDto,
  PaymentDto,
  PlanDto,
  RuleSetDto,
  RuleSetPageDto,
  SimulateDto,
} from './dto/funding.dto.js';
import { FundingService } from './funding.service.js';

const MAX_EXPENSES = 500;

@ApiTags('funding')
@ApiBearerAuth()
// CreateRuleSetDto.funders refers to FunderRuleDto by $ref: the document must define it.
@ApiExtraModels(FunderRuleDto)
@Controller('funding-rule-sets')
export class RuleSetsController {
  constructor(private readonly funding: FundingService) {}

  @Post()
  @Roles(...ADMIN_ONLY)
  @Created((r: RuleSetDto) => `/funding-rule-sets/${r.id}`)
  @ApiOperation({ summary: 'A new rule set (an existing name: its next revision). Rule sets are immutable: plans keep theirs.' })
  @ApiCreatedResponse({ type: RuleSetDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateRuleSetDto): Promise<RuleSetDto> {
    return this.funding.createRuleSet(p, dto);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: RuleSetPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery) {
    return this.funding.listRuleSets(p, q);
  }

  @Post(':id/activate')
  @Roles(...ADMIN_ONLY)
  @HttpCode(200)
  @ApiOperation({ summary: "Make it the region's active rule set (the previous one is deactivated)" })
  @ApiOkResponse({ type: RuleSetDto })
  activate(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<RuleSetDto> {
    return this.funding.activateRuleSet(p, id);
  }
}

@ApiTags('funding')
@ApiBearerAuth()
@Controller()
export class FundingPlansController {
  constructor(private readonly funding: FundingService) {}

  @Get('applications/:id/expenses')
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: ExpensesViewDto })
  expenses(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<ExpensesViewDto> {
    return this.funding.expenses(p, id);
  }

  @Put('applications/:id/expenses')
  @Roles(...INSTRUCTORS)
  @ApiOperation({ summary: "Replace the dossier's expenses (euros excluding tax, in cents)" })
  @ApiBody({ type: [ExpenseDto] })
  @ApiOkResponse({ type: ExpensesViewDto })
  async replaceExpenses(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Req() r: FastifyRequest): Promise<ExpensesViewDto> {
    return this.funding.replaceExpenses(p, id, await validateArray(ExpenseDto, r.body, MAX_EXPENSES));
  }

  @Post('applications/:id/funding-plan/compute')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: "Compute the split and keep it as the dossier's current plan" })
  @ApiOkResponse({ type: PlanDto })
  @ApiUnprocessableEntityResponse({ description: 'A requested rate outside its band' })
  compute(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ComputeDto): Promise<PlanDto> {
    return this.funding.compute(p, id, dto);
  }

  @Get('applications/:id/funding-plan')
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: PlanDto })
  plan(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<PlanDto> {
    return this.funding.plan(p, id);
  }

  @Post('applications/:id/funding-plan/commit')
  @Roles(...DIRECTOR_ONLY)
  @HttpCode(200)
  @ApiOperation({ summary: 'Freeze the plan and consume the envelopes' })
  @ApiOkResponse({ type: PlanDto })
  @ApiConflictResponse({ description: 'An envelope is missing or would be overspent; or the plan is committed already' })
  commit(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<PlanDto> {
    return this.funding.commit(p, id);
  }

  @Put('applications/:id/funding-plan/lines/:funder')
  @Roles('PARTNER')
  @ApiOperation({ summary: "A partner records its own funder's commitment (≤ the line's amount)" })
  @ApiOkResponse({ type: PlanDto })
  commitment(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Param('funder') funder: string, @Body() dto: CommitmentDto) {
    return this.funding.setCommitment(p, id, funder as Funder, dto);
  }

  @Post('applications/:id/funding-plan/lines/:funder/payments')
  @Roles('PARTNER')
  @Created((_plan: PlanDto, params) => `/applications/${params.id}/funding-plan`)
  @ApiOperation({ summary: 'A payment: ADVANCE ≤ 30 %, ADVANCE + INSTALMENT ≤ 80 % until COMPLETED, BALANCE then' })
  @ApiCreatedResponse({ type: PlanDto })
  payment(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Param('funder') funder: string, @Body() dto: PaymentDto) {
    return this.funding.addPayment(p, id, funder as Funder, dto);
  }

  @Post('applications/:id/detr-confirmation')
  @Roles('PARTNER')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The préfecture de département confirms or refuses a DETR eligibility TO_CONFIRM',
    description:
      "By a partner of the préfecture de département granting DETR in the dossier's département. Until CONFIRMED, the DETR line gets no amount; recompute the plan after it.",
  })
  @ApiOkResponse({ type: DetrConfirmationResultDto })
  @ApiUnprocessableEntityResponse({ description: 'The promoter is not TO_CONFIRM (rule detr-not-to-confirm)' })
  @ApiConflictResponse({ description: 'The plan is committed or released (rule plan-frozen)' })
  detrConfirmation(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DetrConfirmationDto): Promise<DetrConfirmationResultDto> {
    return this.funding.confirmDetr(p, id, dto);
  }

  @Post('funding/simulate')
  @Roles(...LINE_WRITERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'The same computation for a dossier that does not exist; nothing is stored' })
  @ApiOkResponse({ type: PlanDto })
  simulate(@CurrentPrincipal() p: Principal, @Body() dto: SimulateDto): Promise<PlanDto> {
    return this.funding.simulate(p, dto);
  }
}
