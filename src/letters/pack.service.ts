import { Injectable, Logger } from '@nestjs/common';
import archiver from 'archiver';
import type { Readable } from 'node:stream';
import { warningsOf } from '../applications/eligibility.js';
import { type Principal, territoryOf } from '../common/access/principal.js';
import { notFound } from '../common/errors/problem.js';
import { DocumentsService, safeFilename } from '../documents/documents.service.js';
import { agendaPdf, summaryPdf } from './letters.js';
import { LettersRepository } from './letters.repository.js';

const DETR_WORDS: Record<string, string> = { CONFIRMED: 'éligibilité confirmée par la préfecture', REFUSED: 'éligibilité refusée par la préfecture' };

/** A name for a folder of the ZIP: the project's, ASCII, short. */
const slug = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
    .toLowerCase() || 'dossier';

/**
 * The séance pack: one ZIP, the agenda as a PDF, then per dossier of the agenda (of the caller's
 * territory: a partner gets its own dossiers only) a one-page summary and its current pièces.
 * Streamed: each entry is appended when the one before has gone out, and a pièce's bytes are
 * read from the storage as the ZIP is sent; nothing holds the pack in memory.
 */
@Injectable()
export class PackService {
  private readonly logger = new Logger('SeancePack');

  constructor(
    private readonly letters: LettersRepository,
    private readonly documents: DocumentsService,
  ) {}

  async pack(principal: Principal, sessionId: string): Promise<{ filename: string; body: Readable }> {
    const session = await this.letters.session(territoryOf(principal), sessionId);
    if (!session) throw notFound(`CARPEC séance ${sessionId}`);
    const dossiers: { position: number; purpose: 'OPINION' | 'INFORMATION'; facts: NonNullable<Awaited<ReturnType<LettersRepository['dossier']>>> }[] = [];
    for (const [i, item] of session.items.entries()) {
      const facts = await this.letters.dossier(item.applicationId);
      if (facts) dossiers.push({ position: i + 1, purpose: item.purpose, facts });
    }
    const agenda = await agendaPdf({
      arsName: dossiers[0]?.facts.arsName ?? 'Agence régionale de santé',
      regionName: dossiers[0]?.facts.regionName ?? principal.regionCode,
      sessionTitle: session.title,
      sessionDate: session.sessionDate,
      items: dossiers.map((d) => ({ position: d.position, purpose: d.purpose, ...d.facts })),
    });

    const archive = archiver('zip', { store: true });
    const entry = (source: Buffer | Readable, name: string) =>
      new Promise<void>((resolve, reject) => {
        const fail = (error: Error) => reject(error);
        archive.once('error', fail);
        archive.once('entry', () => {
          archive.off('error', fail);
          resolve();
        });
        archive.append(source, { name, date: new Date(`${session.sessionDate}T00:00:00Z`) });
      });
    const produce = async () => {
      await entry(agenda, '00-ordre-du-jour.pdf');
      for (const d of dossiers) {
        const folder = `${String(d.position).padStart(2, '0')}-${slug(d.facts.projectName)}`;
        const pieces = await this.letters.pieces(d.facts.id);
        const summary = await summaryPdf({
          ...d.facts,
          position: d.position,
          purpose: d.purpose,
          detr: d.facts.detrDecision ? DETR_WORDS[d.facts.detrDecision] : '—',
          warnings: warningsOf({
            kind: d.facts.kind,
            professionalsPlanned: d.facts.professionalsPlanned,
            populationServed: d.facts.populationServed,
            antenneHoursPerWeek: null,
            antenneMinutesFromMainSite: null,
            antenneSharesInformationSystem: null,
          }),
          plan: await this.letters.plan(d.facts.id),
          pieces,
        });
        await entry(summary, `${folder}/00-fiche-de-synthese.pdf`);
        for (const [i, piece] of pieces.entries()) {
          await entry(
            await this.documents.read(piece.storageKey),
            `${folder}/${String(i + 1).padStart(2, '0')}-${piece.kind.toLowerCase()}-${safeFilename(piece.filename, 'bin')}`,
          );
        }
      }
      await archive.finalize();
    };
    produce().catch((error: unknown) => {
      // Headers are gone: the client sees a cut ZIP (its central directory missing), never a good-looking partial one.
      this.logger.error({ err: error, sessionId }, 'séance pack cut short');
      archive.destroy(error as Error);
    });
    return { filename: `carpec-${session.sessionDate}-${slug(session.title)}.zip`, body: archive };
  }
}
