import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ActorKind, DocumentKind } from '../../generated/prisma/enums.js';

export const DOCUMENT_KINDS = Object.values(DocumentKind);

/** The multipart form of an upload (documented; the service reads the parts as they stream). */
export class UploadDocumentDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'The file: PDF, PNG, JPEG, GIF, WebP, TIFF, DOCX, XLSX, PPTX, ODT, ODS, ODP or CSV (the type is read from the content)',
  })
  file: unknown;
  @ApiProperty({ example: 'PROJET_DE_SANTE', enum: DOCUMENT_KINDS, description: 'What the pièce is (seed 002)' })
  kind: DocumentKind;
  @ApiPropertyOptional({ example: 'Projet de santé validé en assemblée générale du 12 octobre', maxLength: 200 })
  label?: string;
}

/** A new version: the kind stays the pièce's. */
export class UploadVersionDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The new version of the file (same formats as an upload)' })
  file: unknown;
  @ApiPropertyOptional({ example: 'Projet de santé, version signée', maxLength: 200, description: "The label (default: the previous version's)" })
  label?: string;
}

export class DocumentQuery {
  @ApiPropertyOptional({ example: false, default: false, description: 'Include the versions that were replaced' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  history?: boolean;
}

export class WithdrawDocumentDto {
  @ApiProperty({ example: 'Pièce déposée par erreur : il s’agit du projet de santé d’un autre centre' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(/\S/, { message: 'must not be blank' })
  reason: string;
}

export class DocumentActorDto {
  @ApiProperty({ example: '01a236f2-8d4e-7a61-b2c9-4e5f6a7b8c92', type: String, nullable: true, format: 'uuid', description: 'The user or API key; null for the service itself' })
  id: string | null;
  @ApiProperty({ example: 'USER', enum: Object.values(ActorKind) }) kind: ActorKind;
}

export class DocumentDto {
  @ApiProperty({ example: '01a23710-4b2e-7c41-9a8f-2d3e4f5a6b7c', format: 'uuid' }) id: string;
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1', format: 'uuid' }) applicationId: string;
  @ApiProperty({ example: '01a23710-4b2e-7c41-9a8f-2d3e4f5a6b7c', format: 'uuid', description: "The first version's id: what the versions of one pièce share" })
  seriesId: string;
  @ApiProperty({ example: 'PROJET_DE_SANTE', enum: DOCUMENT_KINDS }) kind: DocumentKind;
  @ApiProperty({ example: 'Projet de santé validé en assemblée générale du 12 octobre', type: String, nullable: true }) label: string | null;
  @ApiProperty({ example: 'projet-de-sante-msp-brioude.pdf', description: 'The name the file was sent with' }) filename: string;
  @ApiProperty({ example: 'application/pdf', description: 'Read from the content, not from the client' }) mediaType: string;
  @ApiProperty({ example: 482_113, type: 'integer' }) sizeBytes: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', description: 'SHA-256 of the bytes, hexadecimal (also the ETag of the content)' })
  sha256: string;
  @ApiProperty({ example: 1, type: 'integer', description: 'The version within the pièce, from 1' }) version: number;
  @ApiProperty({ example: true, description: 'The latest version (a replaced one is kept, not current)' }) current: boolean;
  @ApiProperty({ type: DocumentActorDto }) uploadedBy: DocumentActorDto;
  @ApiProperty({ example: '2026-11-23T09:12:44.120Z', format: 'date-time' }) uploadedAt: string;
  @ApiProperty({ example: false }) withdrawn: boolean;
  @ApiProperty({ example: null, type: String, nullable: true, format: 'date-time' }) withdrawnAt: string | null;
  @ApiProperty({ example: null, type: String, nullable: true }) withdrawnReason: string | null;
}

export class DocumentListDto {
  @ApiProperty({ type: [DocumentDto] }) items: DocumentDto[];
}
