import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { Type } from 'class-transformer';
import { PageQuery } from '../../common/http/pagination.js';
import { DEPARTMENT_CODE } from '../../common/validation/codes.js';
import { IsBusinessDate } from '../../common/validation/dates.js';
import { IsOmittable } from '../../common/validation/optional.js';
import { ActorKind, ApplicationStatus, DecisionOutcome, DetrDecision, DocumentKind, type DsState, Procedure, ProjectKind, Zone } from '../../generated/prisma/enums.js';
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
  @ApiProperty({ example: '01a236f9-3c21-7b4e-9d12-6f0a8e4b2c17', format: 'uuid' }) @IsUUID() projectId: string;
  @ApiPropertyOptional({
    example: 'ACCOMPANIMENT',
    enum: PROCEDURES,
    default: 'ACCOMPANIMENT',
    description: 'AUDIT: for an existing centre (antennes included) in difficulty (seed 002)',
  })
  @IsOptional()
  @IsIn(PROCEDURES)
  procedure?: Procedure;
  @ApiPropertyOptional({ format: 'uuid', description: 'The call for applications it answers (of the region, open to the project’s département, for this procedure)' })
  @IsOptional()
  @IsUUID()
  callId?: string;
}

export class UpdateApplicationDto {
  @ApiPropertyOptional({ example: '01a236f2-8d4e-7a61-b2c9-4e5f6a7b8c92', type: String, format: 'uuid', nullable: true, description: 'The instructor in charge (null: nobody)' })
  @ValidateIf((o: UpdateApplicationDto) => o.assigneeId !== null)
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;
  @ApiPropertyOptional({ example: true, description: 'The ARS asked the promoter for a letter of intent (seed 002, note 8)' })
  @IsOmittable()
  @IsBoolean()
  letterOfIntentRequested?: boolean;
}

export class AuditPlanDto {
  @ApiProperty({ example: '2026-11-20', description: 'When the plan to return to balance was delivered' }) @IsBusinessDate() deliveredOn: string;
  @ApiProperty({
    example: 'Causes : sous-activité dentaire, charges de personnel ; mesures : recrutement d’un second chirurgien-dentiste, mutualisation du secrétariat',
    description: 'The plan to return to balance: the causes found and the corrective measures',
  })
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
  @ApiPropertyOptional({ example: 'Projet de santé validé par l’ARS le 12 octobre 2026', description: 'The circumstance, or what backs the attestation' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  note?: string;
}

export class AttestationViewDto {
  @ApiProperty({ example: 'projet-de-sante' }) code: string;
  @ApiProperty({ example: 'Projet de santé validé par l’ARS le 12 octobre 2026', type: String, nullable: true }) note: string | null;
  @ApiProperty({ example: '01a236f2-8d4e-7a61-b2c9-4e5f6a7b8c92', type: String, nullable: true, format: 'uuid', description: 'The user who attested' }) attestedBy: string | null;
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z' }) attestedAt: string;
}

export class WarningDto {
  @ApiProperty({ example: 'cds-two-professionals' }) rule: string;
  @ApiProperty({ example: 'Un centre de santé doit réunir au moins deux professionnels de santé' }) detail: string;
  @ApiProperty({ example: true, description: 'An attestation with the code of the rule answers it' }) answered: boolean;
  @ApiProperty({ example: 'Convention signée avec deux infirmières au 1er mars 2026', type: String, nullable: true, description: "The answering attestation's note" }) answer:
    string | null;
}

export class AuditPlanViewDto {
  @ApiProperty({ example: '2026-11-20' }) deliveredOn: string;
  @ApiProperty({ example: 'Causes : sous-activité dentaire, charges de personnel ; mesures : recrutement d’un second chirurgien-dentiste, mutualisation du secrétariat' })
  summary: string;
}

export class DetrConfirmationViewDto {
  @ApiProperty({ example: 'CONFIRMED', enum: DETR_DECISIONS }) decision: DetrDecision;
  @ApiProperty({ example: 'Commune rurale éligible à la DETR 2026' }) reason: string;
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z', type: String, nullable: true }) decidedAt: string | null;
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
  @ApiPropertyOptional({ format: 'uuid', description: 'The dossiers of one call for applications' }) @IsOptional() @IsUUID() callId?: string;
}

export class SiteMeetingDto {
  @ApiProperty({ example: '2026-10-12' }) @IsBusinessDate() heldOn: string;
  @ApiProperty({ example: 'Maire, 3 médecins généralistes, 2 IDE, ARS (DD43)' }) @IsString() @MinLength(1) @MaxLength(2000) participants: string;
  @ApiProperty({ example: 'Local communal de 420 m² à réhabiliter ; 4 médecins engagés, SISA en cours de constitution' })
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  findings: string;
}

export class SubmitDto {
  @ApiPropertyOptional({ description: 'When the request for accompaniment and the letter of intent arrived', example: '2026-10-30' })
  @IsOptional()
  @IsBusinessDate()
  receivedOn?: string;
}

export class DecisionDto {
  @ApiProperty({ example: 'APPROVED', enum: OUTCOMES }) @IsIn(OUTCOMES) outcome: DecisionOutcome;
  @ApiProperty({ example: '2026-11-20' }) @IsBusinessDate() decidedOn: string;
  @ApiPropertyOptional({ example: 'Avis favorable de la CARPEC ; zone d’intervention prioritaire', description: 'Required to reject' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  motivation?: string;
}

export class DeliverablesDto {
  @ApiProperty({ example: '2026-11-23', description: 'Projet de santé and engagement de conformité received: the 2-month clock starts' })
  @IsBusinessDate()
  receivedOn: string;
}

export class ReceiptDto {
  @ApiProperty({ example: '2026-11-27' }) @IsBusinessDate() issuedOn: string;
  @ApiProperty({ example: '350000123', description: 'FINESS of the legal entity (9 characters)' })
  @Matches(FINESS, { message: 'must be a FINESS number of 9 characters, such as 350000123 or 2A0000123' })
  finessEj: string;
  @ApiProperty({ example: '350000131', description: 'FINESS of the establishment (9 characters)' })
  @Matches(FINESS, { message: 'must be a FINESS number of 9 characters, such as 350000131' })
  finessEt: string;
}

export class CompleteDto {
  @ApiProperty({
    example: 'Coordination assurée par une IDE à mi-temps ; réunions pluri-professionnelles mensuelles et protocoles signés',
    description: 'The coordination deliverable: the pluri-professional organisation in place',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  summary: string;
}

export class ReasonDto {
  // A blank reason is no reason: withdrawing or closing must say why (docs/domain.md, The dossier workflow).
  @ApiProperty({ example: 'Le porteur renonce au projet : local indisponible' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(/\S/, { message: 'must not be blank' })
  reason: string;
}

export class SiteMeetingViewDto {
  @ApiProperty({ example: '2026-10-12' }) heldOn: string;
  @ApiProperty({ example: 'Maire, 3 médecins généralistes, 2 IDE, ARS (DD43)' }) participants: string;
  @ApiProperty({ example: 'Local communal de 420 m² à réhabiliter ; 4 médecins engagés, SISA en cours de constitution' }) findings: string;
}

export class ReceiptViewDto {
  @ApiProperty({ example: '2026-11-27' }) issuedOn: string;
  @ApiProperty({ example: '430008842' }) finessEj: string;
  @ApiProperty({ example: '430008859' }) finessEt: string;
  @ApiProperty({ example: false }) late: boolean;
}

export class DecisionViewDto {
  @ApiProperty({ example: 'APPROVED', enum: OUTCOMES }) outcome: DecisionOutcome;
  @ApiProperty({ example: '2026-11-20' }) decidedOn: string;
  @ApiProperty({ example: 'Avis favorable de la CARPEC ; zone d’intervention prioritaire', type: String, nullable: true }) motivation: string | null;
  @ApiProperty({ example: false, description: 'The decision differs from the CARPEC opinion' }) differsFromOpinion: boolean;
}

const DOCUMENT_KINDS = Object.values(DocumentKind);

export class ChecklistDto {
  @ApiProperty({
    example: 'RECEIVE_DELIVERABLES',
    type: String,
    enum: [...ACTIONS],
    nullable: true,
    description: 'The move the procedure expects next; null once the dossier has ended',
  })
  nextAction: string | null;
  @ApiProperty({ example: ['PROJET_DE_SANTE', 'ENGAGEMENT_CONFORMITE'], enum: DOCUMENT_KINDS, isArray: true, description: 'The pièces that move needs' })
  required: DocumentKind[];
  @ApiProperty({ example: ['REQUEST', 'PROJET_DE_SANTE'], enum: DOCUMENT_KINDS, isArray: true, description: 'The kinds of the current pièces (neither withdrawn nor replaced)' })
  present: DocumentKind[];
  @ApiProperty({
    example: ['ENGAGEMENT_CONFORMITE'],
    enum: DOCUMENT_KINDS,
    isArray: true,
    description: 'Required and not present: the move answers 422 missing-pieces until they are',
  })
  missing: DocumentKind[];
}

/** A mapped value: a text, a count, or the expenses (amounts in cents as text). */
type DsValue = string | number | { category: string; nature: string; label: string; amountCents: string }[] | null;
const DS_VALUE = [
  { type: 'string', nullable: true },
  { type: 'integer' },
  {
    type: 'array',
    items: {
      type: 'object',
      properties: { category: { type: 'string' }, nature: { type: 'string' }, label: { type: 'string' }, amountCents: { type: 'string', pattern: '^\\d+$' } },
    },
  },
];

export const DS_STATES: DsState[] = ['EN_CONSTRUCTION', 'EN_INSTRUCTION', 'ACCEPTE', 'REFUSE', 'SANS_SUITE'];

export class DsChangeDto {
  @ApiProperty({ example: 'project.populationServed', description: 'The mapping target that changed (or expenses)' }) field: string;
  @ApiProperty({ example: 4200, oneOf: DS_VALUE, description: 'What our dossier holds (a text, a count, or the expenses)' }) from: DsValue;
  @ApiProperty({ example: 5100, oneOf: DS_VALUE, description: 'What DS now says' }) to: DsValue;
}

export class ApplicationDsDto {
  @ApiProperty({ example: 12_345_678, description: 'The dossier number on Démarches Simplifiées' }) number: number;
  @ApiProperty({ enum: DS_STATES, example: 'EN_CONSTRUCTION', description: "The dossier's state on DS, beside ours" }) state: DsState;
  @ApiProperty({ example: 'https://www.demarches-simplifiees.fr/procedures/98765/dossiers/12345678' }) url: string;
  @ApiProperty({ example: '2027-02-01T09:00:05.000Z', format: 'date-time', description: 'When a sync last wrote it' }) syncedAt: string;
  @ApiProperty({ type: [DsChangeDto], description: 'What DS changed after the dossier left DRAFT, not applied until accepted (POST …/ds-changes/accept) or dismissed' })
  pendingChanges: DsChangeDto[];
}

export class ApplicationDto {
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1', format: 'uuid' }) id: string;
  @ApiProperty({ example: '01a236f9-3c21-7b4e-9d12-6f0a8e4b2c17', format: 'uuid' }) projectId: string;
  @ApiProperty({ example: 'MSP du Haut-Allier' }) projectName: string;
  @ApiProperty({ example: 'ACCOMPANIMENT', enum: PROCEDURES }) procedure: Procedure;
  @ApiProperty({ example: 'RECEIPT_ISSUED', enum: STATUSES }) status: ApplicationStatus;
  @ApiProperty({ example: 2, type: 'integer', nullable: true, enum: [1, 2, 3], description: "The étape; null for REJECTED, WITHDRAWN, CLOSED and the audit's own statuses" }) step:
    1 | 2 | 3 | null;
  @ApiProperty({ example: true }) eligible: boolean;
  @ApiProperty({ example: [], type: [String] }) eligibilityReasons: string[];
  @ApiProperty({ type: [WarningDto], description: "What the instructor should look at, from the project's facts (not refusals)" }) warnings: WarningDto[];
  @ApiProperty({ type: [AttestationViewDto] }) attestations: AttestationViewDto[];
  @ApiProperty({ example: true, description: 'The ARS asked the promoter for a letter of intent' }) letterOfIntentRequested: boolean;
  @ApiProperty({ example: '01a236f2-8d4e-7a61-b2c9-4e5f6a7b8c92', type: String, nullable: true, format: 'uuid', description: 'The instructor in charge; null: nobody' })
  assigneeId: string | null;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: '43' }) departmentCode: string;
  @ApiProperty({ example: 'MSP', enum: KINDS }) kind: ProjectKind;
  @ApiProperty({ example: 'ZIP', enum: ZONES }) zone: Zone;
  @ApiProperty({ type: SiteMeetingViewDto, nullable: true }) siteMeeting: SiteMeetingViewDto | null;
  @ApiProperty({ example: '2026-10-30', type: String, nullable: true, description: 'When the request for accompaniment was received (the submission)' }) requestReceivedOn:
    string | null;
  @ApiProperty({ type: DecisionViewDto, nullable: true }) decision: DecisionViewDto | null;
  @ApiProperty({ example: '2026-11-23', type: String, nullable: true }) deliverablesReceivedOn: string | null;
  @ApiProperty({ example: '2027-01-23', type: String, nullable: true, description: 'Deliverables received + 2 calendar months' }) receiptDueOn: string | null;
  @ApiProperty({ example: false, description: 'The récépissé was issued after its due date, or is still missing past it' }) receiptLate: boolean;
  @ApiProperty({ example: 'ISSUED_ON_TIME', type: String, nullable: true, enum: ['PENDING', 'DUE_SOON', 'OVERDUE', 'ISSUED_ON_TIME', 'ISSUED_LATE'] })
  receiptStatus: string | null;
  @ApiProperty({ type: ReceiptViewDto, nullable: true }) receipt: ReceiptViewDto | null;
  @ApiProperty({ example: null, type: String, nullable: true }) completionSummary: string | null;
  @ApiProperty({ type: AuditPlanViewDto, nullable: true, description: "An audit's plan to return to balance" }) auditPlan: AuditPlanViewDto | null;
  @ApiProperty({ type: DetrConfirmationViewDto, nullable: true, description: "The préfecture's word on a DETR eligibility to confirm" })
  detrConfirmation: DetrConfirmationViewDto | null;
  @ApiProperty({ example: null, type: String, nullable: true }) closingReason: string | null;
  @ApiProperty({
    example: '01a23722-7e1f-7a02-8b3c-4d5e6f708192',
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The call for applications it answers; null when entered by hand',
  })
  callId: string | null;
  @ApiProperty({ type: ApplicationDsDto, nullable: true, description: 'The dossier on Démarches Simplifiées it came from; null when entered by hand' }) ds: ApplicationDsDto | null;
  @ApiProperty({ example: ['SCHEDULE_INFORMATION', 'WITHDRAW'], enum: [...ACTIONS], isArray: true, description: "What the caller's role may do next" }) allowedActions: string[];
  @ApiProperty({ type: ChecklistDto, description: 'The pièces of the next move: required, present, missing (seed 002)' }) checklist: ChecklistDto;
  @ApiProperty({ example: '2026-11-23T06:00:03.044Z' }) lastEventAt: string;
  @ApiProperty({ example: 7 }) version: number;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-23T06:00:03.044Z' }) updatedAt: string;
}

export class ApplicationPageDto {
  @ApiProperty({ type: [ApplicationDto] }) items: ApplicationDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}

export class EventActorDto {
  @ApiProperty({ example: '01a236f2-8d4e-7a61-b2c9-4e5f6a7b8c92', type: String, nullable: true, format: 'uuid', description: 'The user or API key; null for the service itself' })
  id: string | null;
  @ApiProperty({ example: 'USER', type: String, enum: Object.values(ActorKind), nullable: true }) kind: ActorKind | null;
}

export class EventDto {
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z', format: 'date-time' }) at: string;
  @ApiProperty({ type: EventActorDto }) actor: EventActorDto;
  @ApiProperty({ example: 'SUBMITTED' }) type: string;
  @ApiProperty({ example: 'SITE_MEETING_HELD', type: String, enum: STATUSES, nullable: true, description: 'The status before a move; null for an event that is no move' })
  fromStatus: ApplicationStatus | null;
  @ApiProperty({ example: 'SUBMITTED', type: String, enum: STATUSES, nullable: true, description: 'The status after a move; null for an event that is no move' })
  toStatus: ApplicationStatus | null;
  @ApiProperty({ example: null, type: String, nullable: true }) reason: string | null;
  @ApiProperty({ example: { receivedOn: '2026-10-30' }, type: Object }) data: unknown;
}

export class EventPageDto {
  @ApiProperty({ type: [EventDto] }) items: EventDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}
