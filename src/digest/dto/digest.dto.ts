import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { ApplicationStatus } from '../../generated/prisma/enums.js';
import { SECTION_KEYS, type SectionKey } from '../digest-mail.js';

export class DigestItemDto {
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1', format: 'uuid' }) applicationId: string;
  @ApiProperty({ example: 'MSP des Sucs' }) projectName: string;
  @ApiProperty({ example: 'Yssingeaux' }) communeName: string;
  @ApiProperty({ example: '43' }) departmentCode: string;
  @ApiProperty({ example: 'DELIVERABLES_RECEIVED', enum: Object.values(ApplicationStatus) }) status: ApplicationStatus;
  @ApiPropertyOptional({ example: '2026-12-10', format: 'date', description: 'The récépissé’s due date, while it is awaited (deliverables received, none issued)' })
  dueOn?: string;
  @ApiPropertyOptional({ example: 3, type: 'integer', minimum: 1, description: 'Days past the due date, once it has passed' })
  daysLate?: number;
}

export class DigestSectionDto {
  @ApiProperty({
    example: 'RECEIPT_DUE_SOON',
    enum: SECTION_KEYS,
    description:
      'Instructors: RECEIPT_OVERDUE, RECEIPT_DUE_SOON (récépissés due within 15 days; the DEADLINES report’s reasons, for dossiers assigned to the caller or to nobody), ' +
      'ASSIGNED (open dossiers assigned to the caller). Directors: DECISION_TO_SIGN (AWAITING_DECISION), RECEIPT_TO_SIGN (every récépissé awaited, overdue first).',
  })
  key: SectionKey;
  @ApiProperty({ example: 'Échéances à 15 jours', description: 'The section’s title in the e-mail' }) title: string;
  @ApiProperty({ type: [DigestItemDto] }) items: DigestItemDto[];
}

export class DigestDto {
  @ApiProperty({ example: '2026-12-02', format: 'date', description: 'Today, in Europe/Paris' }) date: string;
  @ApiProperty({ example: 'Financement MSP — ce qui vous attend le 2 décembre 2026 (3 dossiers)' }) subject: string;
  @ApiProperty({ example: true, description: 'Whether the caller receives the digest by e-mail (PUT /me/digest-preferences)' }) dailyDigest: boolean;
  @ApiProperty({
    type: [DigestSectionDto],
    description: 'The sections of the caller’s role, in the order of the e-mail (possibly without items); none for the roles without a digest (ADMIN, PARTNER, AUDITOR).',
  })
  sections: DigestSectionDto[];
  @ApiProperty({ example: 'Bonjour Camille Martin,\n\nVoici ce qui vous attend le 2 décembre 2026.\n…', description: 'The e-mail’s plain-text body' }) text: string;
  @ApiProperty({ example: '<!DOCTYPE html>\n<html lang="fr">…', description: 'The e-mail’s HTML body' }) html: string;
}

export class DigestPreferencesDto {
  @ApiProperty({ example: false, description: 'Receive the daily e-mail of what waits for you (instructors and directors)' })
  @IsBoolean()
  dailyDigest: boolean;
}
