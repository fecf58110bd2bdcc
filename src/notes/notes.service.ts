import { Injectable } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import { type Principal, territoryOf } from '../common/access/principal.js';
import { notFound } from '../common/errors/problem.js';
import { type Page, pageOf, type PageQuery } from '../common/http/pagination.js';
import { DocumentsRepository } from '../documents/documents.repository.js';
import type { ApplicationNote } from '../generated/prisma/client.js';
import type { NoteDto } from './dto/note.dto.js';
import { NotesRepository } from './notes.repository.js';

const toNoteDto = (n: ApplicationNote): NoteDto => ({
  id: n.id,
  applicationId: n.applicationId,
  text: n.text,
  author: { id: n.authorId, kind: n.authorKind },
  createdAt: n.createdAt.toISOString(),
});

/**
 * Internal notes on a dossier (Démarches Simplifiées' private annotations): the ARS's own
 * words, never shown to partners, to whom the notes of a dossier do not exist (404, as another
 * territory's dossier). Written once, audited; a correction is another note.
 */
@Injectable()
export class NotesService {
  constructor(
    private readonly notes: NotesRepository,
    private readonly dossiers: DocumentsRepository,
    private readonly writes: AuditedWrites,
  ) {}

  async add(principal: Principal, applicationId: string, text: string): Promise<NoteDto> {
    const dossier = await this.dossier(principal, applicationId);
    return this.writes.create(principal, {
      entity: 'application_note',
      write: () => this.notes.create({ applicationId, text, authorId: principal.id, authorKind: principal.kind }),
      view: toNoteDto,
      regionCode: () => dossier.regionCode,
    });
  }

  async list(principal: Principal, applicationId: string, query: PageQuery): Promise<Page<NoteDto>> {
    await this.dossier(principal, applicationId);
    return pageOf(query, (after, take) => this.notes.list(applicationId, after, take), toNoteDto);
  }

  private async dossier(principal: Principal, applicationId: string) {
    const dossier = principal.role === 'PARTNER' ? null : await this.dossiers.dossier(territoryOf(principal), applicationId);
    if (!dossier) throw notFound(`Dossier ${applicationId}`);
    return dossier;
  }
}
