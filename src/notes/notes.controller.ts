import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { INSTRUCTORS, STAFF_READERS } from '../common/access/roles.js';
import { Created } from '../common/http/location.js';
import { ApiProblems } from '../common/http/openapi.js';
import { PageQuery } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/params.js';
import { NoteDto, NoteInputDto, NotePageDto } from './dto/note.dto.js';
import { NotesService } from './notes.service.js';

const HIDDEN = [404, "No such dossier in the caller's territory; for a partner, whose scope never includes the ARS's internal notes, any dossier."] as const;

@ApiTags('notes')
@ApiBearerAuth()
@Controller('applications/:id/notes')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Post()
  @Roles(...INSTRUCTORS)
  @Created((n: NoteDto) => `/applications/${n.applicationId}/notes`)
  @ApiOperation({
    summary: 'Write an internal note on a dossier',
    description: "A short note of the ARS's staff (at most 2,000 characters), with its author and time; audited. Never shown to partners.",
  })
  @ApiCreatedResponse({ type: NoteDto, description: 'The note (Location: the notes of the dossier)' })
  @ApiProblems(HIDDEN)
  add(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: NoteInputDto): Promise<NoteDto> {
    return this.notes.add(p, id, dto.text);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: "List a dossier's internal notes", description: 'Oldest first. Partners: 404, as for a dossier outside their scope.' })
  @ApiOkResponse({ type: NotePageDto })
  @ApiProblems(HIDDEN)
  list(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Query() query: PageQuery): Promise<NotePageDto> {
    return this.notes.list(p, id, query);
  }
}
