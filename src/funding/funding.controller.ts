import { ADMIN_ONLY, DIRECTOR_ONLY, INSTRUCTORS, LINE_WRITERS, STAFF_READERS } from '../common/access/roles.js';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { Created } from '../common/http/location.js';
import { ApiProblems } from '../common/http/openapi.js';
import { PageQuery } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/params.js';
import { validateArray } from '../common/http/validation.js';
import { Funder } from '../generated/prisma/enums.js';
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
const FUNDER_PARAM = {
  name: 'funder',
  description: 'The funder of the line: one the caller’s organisation grants',
  schema: { type: 'string' as const, enum: Object.values(Funder) },
};
/** What a partner's line takes (tranches.ts): 409 for the state of the plan, 422 for a tranche rule. */
const LINE_STATE = [409, 'The plan is not committed (plan-not-committed), was released (plan-released), or the dossier left the procedure (dossier-left-procedure).'] as const;

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
  @ApiOperation({
    summary: 'Create a funding rule set',
    description: "A new rule set of the caller's region (an existing name: its next revision), inactive. Rule sets are immutable: plans keep the one they were computed with.",
  })
  @ApiCreatedResponse({ type: RuleSetDto, description: 'The rule set (Location: its URL)' })
  @ApiProblems(
    [403, "The caller's scope is a département."],
    [
      422,
      'A rule of the set is inconsistent (ceiling-legal-basis, ars-no-building, cap-below-zero, rate-band-inverted, default-rate-outside-band, base-cap-categories): `rule` names it.',
    ],
  )
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateRuleSetDto): Promise<RuleSetDto> {
    return this.funding.createRuleSet(p, dto);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'List funding rule sets', description: "The rule sets of the caller's region, every revision, the active one flagged." })
  @ApiOkResponse({ type: RuleSetPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery) {
    return this.funding.listRuleSets(p, q);
  }

  @Post(':id/activate')
  @Roles(...ADMIN_ONLY)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Activate a funding rule set',
    description: "Makes it the region's active rule set, which plans are computed with by default; the previous one is deactivated.",
  })
  @ApiOkResponse({ type: RuleSetDto })
  @ApiProblems([403, "The caller's scope is a département."])
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
  @ApiOperation({ summary: "Read a dossier's expenses", description: 'Its eligible expenses, excluding tax, in cents, with their total.' })
  @ApiOkResponse({ type: ExpensesViewDto })
  expenses(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<ExpensesViewDto> {
    return this.funding.expenses(p, id);
  }

  @Put('applications/:id/expenses')
  @Roles(...INSTRUCTORS)
  @ApiOperation({ summary: "Replace a dossier's expenses", description: `All of them at once (at most ${MAX_EXPENSES}), excluding tax, in cents; a committed plan freezes them.` })
  @ApiBody({ type: [ExpenseDto] })
  @ApiOkResponse({ type: ExpensesViewDto })
  @ApiProblems([409, 'The dossier is closed (currentStatus), or its funding plan is committed.'])
  async replaceExpenses(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Req() r: FastifyRequest): Promise<ExpensesViewDto> {
    return this.funding.replaceExpenses(p, id, await validateArray(ExpenseDto, r.body, MAX_EXPENSES));
  }

  @Post('applications/:id/funding-plan/compute')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({
    summary: "Compute a dossier's funding plan",
    description: "Computes the split between funders with the rule set given (default: the region's active one) and keeps it as the dossier's current plan.",
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems(
    [409, 'The dossier is closed (currentStatus), its plan is committed, or the region has no active rule set.'],
    [422, 'A requested rate lies outside its band (rule rate-outside-band).'],
  )
  compute(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ComputeDto): Promise<PlanDto> {
    return this.funding.compute(p, id, dto);
  }

  @Get('applications/:id/funding-plan')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: "Read a dossier's funding plan", description: "Its current plan; a partner reads its own funders' lines and the totals." })
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems([404, 'No such dossier in the caller’s territory, or it has no plan yet.'])
  plan(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<PlanDto> {
    return this.funding.plan(p, id);
  }

  @Post('applications/:id/funding-plan/commit')
  @Roles(...DIRECTOR_ONLY)
  @HttpCode(200)
  @ApiOperation({ summary: 'Commit a funding plan', description: "Freezes the dossier's plan and consumes each funder's envelope for its line." })
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems([
    409,
    'The dossier is not approved or no longer open, it has no plan, the plan is committed or released already, an envelope is missing or would be overspent, or the plan changed meanwhile.',
  ])
  commit(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<PlanDto> {
    return this.funding.commit(p, id);
  }

  @Put('applications/:id/funding-plan/lines/:funder')
  @Roles('PARTNER')
  @ApiOperation({
    summary: "Record a funder's commitment",
    description: "A partner records its own funder's commitment on a committed plan's line: at most the line's amount, and not below what was paid.",
  })
  @ApiParam(FUNDER_PARAM)
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems(
    [403, "The funder is not one the caller's organisation grants."],
    [404, 'No such dossier in the caller’s territory, or the plan has no line of this funder.'],
    LINE_STATE,
    [422, "Above the line's amount (commitment-above-amount), or below what was paid (commitment-below-paid)."],
  )
  commitment(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Param('funder') funder: string, @Body() dto: CommitmentDto) {
    return this.funding.setCommitment(p, id, funder as Funder, dto);
  }

  @Post('applications/:id/funding-plan/lines/:funder/payments')
  @Roles('PARTNER')
  @Created((_plan: PlanDto, params) => `/applications/${params.id}/funding-plan`)
  @ApiOperation({
    summary: 'Record a payment on a line',
    description: 'A partner records a payment of its own funder, in tranches: ADVANCE ≤ 30 %, ADVANCE + INSTALMENT ≤ 80 % until the dossier is COMPLETED, the BALANCE then.',
  })
  @ApiParam(FUNDER_PARAM)
  @ApiCreatedResponse({ type: PlanDto, description: 'The plan with the payment (Location: the plan)' })
  @ApiProblems(
    [403, "The funder is not one the caller's organisation grants."],
    [404, 'No such dossier in the caller’s territory, or the plan has no line of this funder.'],
    LINE_STATE,
    [422, 'A tranche rule: no-commitment, advance-limit, before-completion-limit, balance-before-completion or paid-above-commitment.'],
  )
  payment(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Param('funder') funder: string, @Body() dto: PaymentDto) {
    return this.funding.addPayment(p, id, funder as Funder, dto);
  }

  @Get('applications/:id/detr-confirmation')
  @Roles(...STAFF_READERS)
  @ApiOperation({
    summary: "Read a dossier's DETR eligibility and the préfecture's word on it",
    description:
      "The promoter's eligibility from the official data (a commune by its population, an EPCI by its EPCI's); when TO_CONFIRM, the préfecture de département's decision once given.",
  })
  @ApiOkResponse({ type: DetrConfirmationResultDto })
  @ApiProblems([404, 'No such dossier in the caller’s territory.'])
  detr(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<DetrConfirmationResultDto> {
    return this.funding.detr(p, id);
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
  @ApiProblems(
    [403, "The caller is not a préfecture de département granting DETR in the dossier's département."],
    [409, 'The plan is committed or released (rule plan-frozen).'],
    [422, "The promoter's DETR eligibility is not TO_CONFIRM (rule detr-not-to-confirm)."],
  )
  detrConfirmation(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DetrConfirmationDto): Promise<DetrConfirmationResultDto> {
    return this.funding.confirmDetr(p, id, dto);
  }

  @Post('funding/simulate')
  @Roles(...LINE_WRITERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Simulate a funding plan',
    description: 'The same computation for a dossier that does not exist: its project, commune, promoter and expenses given; nothing is stored.',
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems([409, 'The region has no active rule set (give ruleSetId).'], [422, 'A requested rate lies outside its band (rule rate-outside-band).'])
  simulate(@CurrentPrincipal() p: Principal, @Body() dto: SimulateDto): Promise<PlanDto> {
    return this.funding.simulate(p, dto);
  }
}
