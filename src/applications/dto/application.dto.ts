import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { Type } from 'class-transformer';
import { PageQuery } from '../../common/http/pagination.js';
import { DEPARTMENT_CODE } from '../../common/validation/codes.js';
import { IsBusinessDate } from '../../common/validation/dates.js';
import { ActorKind, ApplicationStatus, DecisionOutcome, DetrDecision, Procedure, ProjectKind, Zone } from '../../generated/prisma/enums.js';
import { ACTIONS } from '../workflow.js';

const STATUSES = Object.values(ApplicationStatus);
const KINDS = Object.values(ProjectKind);
const ZONES = Object.values(Zone);
const OUTCOMES = Object.values(DecisionOutcome);
const FINESS = /^[0-9][0-9AB][0-9]{7}$/;
const PROCEDURES = Object.values(Procedure);
const DETR_DECISIONS = Object.values(DetrDecision);
/** An attestation's code: a rule set's condition or a warning's rule. */
export const ATTESTATION_CODE = /^[a-z0-9][a-z0-9-]*$/;

export class CreateApplicationDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() projectId: string;
  @ApiPropertyOptional({ enum: PROCEDURES, default: 'ACCOMPANIMENT', description: 'AUDIT: for an existing centre (antennes included) in difficulty (seed 002)' })
  @IsOptional()
  @IsIn(PROCEDURES)
  procedure?: Procedure;
}

export class UpdateApplicationDto {
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The instructor in charge (null: nobody)' })
  @ValidateIf((o: UpdateApplicationDto) => o.assigneeId !== null)
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;
  @ApiPropertyOptional({ description: 'The ARS asked the promoter for a letter of intent (seed 002, note 8)' })
  @IsOptional()
  @IsBoolean()
  letterOfIntentRequested?: boolean;
}

export class AuditPlanDto {
  @ApiProperty({ example: '2026-11-20', description: 'When the plan to return to balance was delivered' }) @IsBusinessDate() deliveredOn: string;
  @ApiProperty({ description: 'The plan to return to balance: the causes found and the corrective measures' })
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  @Matches(/\S/, { message: 'must not be blank' })
  summary: string;
}

export class AttestationDto {
  @ApiProperty({ example: 'cds-two-professionals', pattern: ATTESTATION_CODE.source, minLength: 1, maxLength: 100, description: "A rule set's condition, or a warning's rule" })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(ATTESTATION_CODE, { message: 'must be lower-case letters, digits and hyphens, such as cds-two-professionals' })
  code: string;
  @ApiPropertyOptional({ description: 'The circumstance, or what backs the attestation' }) @IsOptional() @IsString() @MaxLength(10_000) note?: string;
}

export class AttestationViewDto {
  @ApiProperty() code: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The user who attested' }) attestedBy: string | null;
  @ApiProperty() attestedAt: string;
}

export class WarningDto {
  @ApiProperty({ example: 'cds-two-professionals' }) rule: string;
  @ApiProperty() detail: string;
  @ApiProperty({ description: 'An attestation with the code of the rule answers it' }) answered: boolean;
  @ApiProperty({ type: String, nullable: true, description: "The answering attestation's note" }) answer: string | null;
}

export class AuditPlanViewDto {
  @ApiProperty() deliveredOn: string;
  @ApiProperty() summary: string;
}

export class DetrConfirmationViewDto {
  @ApiProperty({ enum: DETR_DECISIONS }) decision: DetrDecision;
  @ApiProperty() reason: string;
  @ApiProperty({ type: String, nullable: true }) decidedAt: string | null;
}

export class ApplicationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: ApplicationStatus;
  @ApiPropertyOptional({ enum: [1, 2, 3] }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3) step?: 1 | 2 | 3;
  @ApiPropertyOptional() @IsOptional() @Matches(DEPARTMENT_CODE, { message: 'must be a département code such as 74' }) departmentCode?: string;
  @ApiPropertyOptional({ enum: ZONES }) @IsOptional() @IsIn(ZONES) zone?: Zone;
  @ApiPropertyOptional({ enum: KINDS }) @IsOptional() @IsIn(KINDS) kind?: ProjectKind;
  @ApiPropertyOptional({ enum: PROCEDURES }) @IsOptional() @IsIn(PROCEDURES) procedure?: Procedure;
  @ApiPropertyOptional({ description: "Part of the project's name" }) @IsOptional() @IsString() @MinLength(1) @MaxLength(100) q?: string;
  @ApiPropertyOptional({ description: 'Changed since this instant (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'updatedSince must be an ISO 8601 instant' })
  updatedSince?: string;
  @ApiPropertyOptional({ description: '`me` or a user id' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @Matches(/^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, { message: 'must be me or a user id' })
  assignee?: string;
}

export class SiteMeetingDto {
  @ApiProperty({ example: '2026-10-12' }) @IsBusinessDate() heldOn: string;
  @ApiProperty({ example: 'Maire, 3 médecins généralistes, 2 IDE, ARS (DD43)' }) @IsString() @MinLength(1) @MaxLength(2000) participants: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(10_000) findings: string;
}

export class SubmitDto {
  @ApiPropertyOptional({ description: 'When the request for accompaniment and the letter of intent arrived', example: '2026-10-30' })
  @IsOptional()
  @IsBusinessDate()
  receivedOn?: string;
}

export class DecisionDto {
  @ApiProperty({ enum: OUTCOMES }) @IsIn(OUTCOMES) outcome: DecisionOutcome;
  @ApiProperty({ example: '2026-11-20' }) @IsBusinessDate() decidedOn: string;
  @ApiPropertyOptional({ description: 'Required to reject' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(10_000) motivation?: string;
}

export class DeliverablesDto {
  @ApiProperty({ description: 'Projet de santé and engagement de conformité received: the 2-month clock starts' })
  @IsBusinessDate()
  receivedOn: string;
}

export class ReceiptDto {
  @ApiProperty() @IsBusinessDate() issuedOn: string;
  @ApiProperty({ example: '350000123', description: 'FINESS of the legal entity (9 characters)' })
  @Matches(FINESS, { message: 'must be a FINESS number of 9 characters, such as 350000123 or 2A0000123' })
  finessEj: string;
  @ApiProperty({ example: '350000131', description: 'FINESS of the establishment (9 characters)' })
  @Matches(FINESS, { message: 'must be a FINESS number of 9 characters, such as 350000131' })
  finessEt: string;
}

export class CompleteDto {
  @ApiProperty({ description: 'The coordination deliverable: the pluri-professional organisation in place' })
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  summary: string;
}

export class ReasonDto {
  // A blank reason is no reason: withdrawing or closing must say why (docs/domain.md, The dossier workflow).
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2000) @Matches(/\S/, { message: 'must not be blank' }) reason: string;
}

export class SiteMeetingViewDto {
  @ApiProperty() heldOn: string;
  @ApiProperty() participants: string;
  @ApiProperty() findings: string;
}

export class ReceiptViewDto {
  @ApiProperty() issuedOn: string;
  @ApiProperty() finessEj: string;
  @ApiProperty() finessEt: string;
  @ApiProperty() late: boolean;
}

export class DecisionViewDto {
  @ApiProperty({ enum: OUTCOMES }) outcome: DecisionOutcome;
  @ApiProperty() decidedOn: string;
  @ApiProperty({ type: String, nullable: true }) motivation: string | null;
  @ApiProperty({ description: 'The decision differs from the CARPEC opinion' }) differsFromOpinion: boolean;
}

export class ApplicationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty() projectName: string;
  @ApiProperty({ enum: PROCEDURES }) procedure: Procedure;
  @ApiProperty({ enum: STATUSES }) status: ApplicationStatus;
  @ApiProperty({ type: 'integer', nullable: true, enum: [1, 2, 3], description: "The étape; null for REJECTED, WITHDRAWN, CLOSED and the audit's own statuses" }) step:
    1 | 2 | 3 | null;
  @ApiProperty() eligible: boolean;
  @ApiProperty({ type: [String] }) eligibilityReasons: string[];
  @ApiProperty({ type: [WarningDto], description: "What the instructor should look at, from the project's facts (not refusals)" }) warnings: WarningDto[];
  @ApiProperty({ type: [AttestationViewDto] }) attestations: AttestationViewDto[];
  @ApiProperty({ description: 'The ARS asked the promoter for a letter of intent' }) letterOfIntentRequested: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The instructor in charge; null: nobody' }) assigneeId: string | null;
  @ApiProperty() regionCode: string;
  @ApiProperty() departmentCode: string;
  @ApiProperty({ enum: KINDS }) kind: ProjectKind;
  @ApiProperty({ enum: ZONES }) zone: Zone;
  @ApiProperty({ type: SiteMeetingViewDto, nullable: true }) siteMeeting: SiteMeetingViewDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the request for accompaniment was received (the submission)' }) requestReceivedOn: string | null;
  @ApiProperty({ type: DecisionViewDto, nullable: true }) decision: DecisionViewDto | null;
  @ApiProperty({ type: String, nullable: true }) deliverablesReceivedOn: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Deliverables received + 2 calendar months' }) receiptDueOn: string | null;
  @ApiProperty({ description: 'The récépissé was issued after its due date, or is still missing past it' }) receiptLate: boolean;
  @ApiProperty({ type: String, nullable: true, enum: ['PENDING', 'DUE_SOON', 'OVERDUE', 'ISSUED_ON_TIME', 'ISSUED_LATE'] })
  receiptStatus: string | null;
  @ApiProperty({ type: ReceiptViewDto, nullable: true }) receipt: ReceiptViewDto | null;
  @ApiProperty({ type: String, nullable: true }) completionSummary: string | null;
  @ApiProperty({ type: AuditPlanViewDto, nullable: true, description: "An audit's plan to return to balance" }) auditPlan: AuditPlanViewDto | null;
  @ApiProperty({ type: DetrConfirmationViewDto, nullable: true, description: "The préfecture's word on a DETR eligibility to confirm" })
  detrConfirmation: DetrConfirmationViewDto | null;
  @ApiProperty({ type: String, nullable: true }) closingReason: string | null;
  @ApiProperty({ enum: [...ACTIONS], isArray: true, description: "What the caller's role may do next" }) allowedActions: string[];
  @ApiProperty() lastEventAt: string;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ApplicationPageDto {
  @ApiProperty({ type: [ApplicationDto] }) items: ApplicationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class EventActorDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The user or API key; null for the service itself' }) id: string | null;
  @ApiProperty({ type: String, enum: Object.values(ActorKind), nullable: true }) kind: ActorKind | null;
}

export class EventDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: EventActorDto }) actor: EventActorDto;
  @ApiProperty({ example: 'SUBMITTED' }) type: string;
  @ApiProperty({ type: String, enum: STATUSES, nullable: true, description: 'The status before a move; null for an event that is no move' }) fromStatus: ApplicationStatus | null;
  @ApiProperty({ type: String, enum: STATUSES, nullable: true, description: 'The status after a move; null for an event that is no move' }) toStatus: ApplicationStatus | null;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: Object }) data: unknown;
}

export class EventPageDto {
  @ApiProperty({ type: [EventDto] }) items: EventDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
