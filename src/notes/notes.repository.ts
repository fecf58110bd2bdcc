import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import type { ApplicationNote } from '../generated/prisma/client.js';

@Injectable()
export class NotesRepository extends Repository {
  create(data: Pick<ApplicationNote, 'applicationId' | 'text' | 'authorId' | 'authorKind'>): Promise<ApplicationNote> {
    return this.db.applicationNote.create({ data });
  }

  /** Oldest first, by id (UUID v7: creation order). */
  list(applicationId: string, after: string | undefined, take: number): Promise<ApplicationNote[]> {
    return this.db.applicationNote.findMany({ where: { applicationId, ...(after && { id: { gt: after } }) }, orderBy: { id: 'asc' }, take });
  }
}
