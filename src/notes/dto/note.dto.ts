import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { DocumentActorDto } from '../../documents/dto/document.dto.js';

export class NoteInputDto {
  @ApiProperty({ example: 'Le maire confirme la mise à disposition du local au 1er mars ; relancer pour la convention ACI.', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(/\S/, { message: 'must not be blank' })
  text: string;
}

export class NoteDto {
  @ApiProperty({ example: '01a23722-7e1f-7a02-8b3c-4d5e6f708192', format: 'uuid' }) id: string;
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1', format: 'uuid' }) applicationId: string;
  @ApiProperty({ example: 'Le maire confirme la mise à disposition du local au 1er mars ; relancer pour la convention ACI.' }) text: string;
  @ApiProperty({ type: DocumentActorDto, description: 'Who wrote it' }) author: DocumentActorDto;
  @ApiProperty({ example: '2026-11-23T09:15:02.871Z', format: 'date-time' }) createdAt: string;
}

export class NotePageDto {
  @ApiProperty({ type: [NoteDto] }) items: NoteDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNzIyLTdlMWYtN2EwMi04YjNjLTRkNWU2ZjcwODE5MiJ9', type: String, nullable: true }) nextCursor: string | null;
}
