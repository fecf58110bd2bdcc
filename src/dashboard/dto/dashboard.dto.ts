import { ApiProperty } from '@nestjs/swagger';
import { ApplicationStatus, Funder } from '../../generated/prisma/enums.js';

export class StatusCountDto {
  @ApiProperty({ enum: Object.values(ApplicationStatus), example: 'SUBMITTED' }) status: ApplicationStatus;
  @ApiProperty({ example: 2, type: Number, nullable: true, description: 'The étape of the status (null: an audit’s, or ended)' }) step: number | null;
  @ApiProperty({ example: 14 }) count: number;
}

export class DeadlineCountsDto {
  @ApiProperty({ example: 1, description: 'Récépissés awaited past their due date' }) overdue: number;
  @ApiProperty({ example: 3, description: 'Récépissés due within 15 days' }) dueSoon: number;
  @ApiProperty({ example: 5, description: 'Open dossiers with no event for 90 days' }) idle: number;
}

export class UrgentDossierDto {
  @ApiProperty({ format: 'uuid', example: '01a23722-7e1f-7a02-8b3c-4d5e6f708192' }) applicationId: string;
  @ApiProperty({ example: 'MSP du Haut-Allier' }) projectName: string;
  @ApiProperty({ enum: Object.values(ApplicationStatus), example: 'DELIVERABLES_RECEIVED' }) status: ApplicationStatus;
  @ApiProperty({ example: '43' }) departmentCode: string;
  @ApiProperty({ enum: ['RECEIPT_OVERDUE', 'RECEIPT_DUE_SOON', 'IDLE'], example: 'RECEIPT_DUE_SOON' }) kind: 'RECEIPT_OVERDUE' | 'RECEIPT_DUE_SOON' | 'IDLE';
  @ApiProperty({ example: '2026-12-14', format: 'date', description: 'The récépissé due date, or the last event (idle)' }) date: string;
}

export class FunderEnvelopesDto {
  @ApiProperty({ enum: Object.values(Funder), example: 'REGION' }) funder: Funder;
  @ApiProperty({ example: 1_770_000_000, description: 'The open envelopes of the funder in your territory, in cents' }) amountCents: number;
  @ApiProperty({ example: 312_500_000, description: 'Committed on them' }) committedCents: number;
  @ApiProperty({ example: 1_457_500_000, description: 'amountCents − committedCents' }) remainingCents: number;
  @ApiProperty({ example: 120_000_000, description: "Paid on the funder's lines (a partner: only its own funders')" }) paidCents: number;
}

export class DashboardDto {
  @ApiProperty({ example: '2026-12-03', format: 'date', description: 'The day (Europe/Paris) the deadlines are counted on' }) date: string;
  @ApiProperty({ type: [StatusCountDto], description: 'Dossiers of your territory by status (those with none left out)' }) byStatus: StatusCountDto[];
  @ApiProperty({ type: DeadlineCountsDto }) deadlines: DeadlineCountsDto;
  @ApiProperty({ type: [UrgentDossierDto], description: 'The most urgent of them (overdue first), at most 50' }) urgent: UrgentDossierDto[];
  @ApiProperty({ type: [FunderEnvelopesDto] }) envelopes: FunderEnvelopesDto[];
}
