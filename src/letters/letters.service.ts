import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ApplicationsService } from '../applications/applications.service.js';
import type { Action } from '../applications/workflow.js';
import type { Principal } from '../common/access/principal.js';
import { fromDbDate } from '../common/validation/dates.js';
import { DocumentsService } from '../documents/documents.service.js';
import { decisionLetterPdf, receiptPdf } from './letters.js';
import { LettersRepository } from './letters.repository.js';

/**
 * The letters the DG ARS signs, generated with the move that records them, in its transaction:
 * the récépissé when it is issued (ISSUE_RECEIPT), the decision letter when the DG decides
 * (APPROVE, REJECT). Each is a pièce of the dossier (RECEIPT, DECISION_LETTER), checksummed and
 * audited like an upload; never generated again (a correction is a new version of the pièce).
 */
@Injectable()
export class LettersService implements OnModuleInit {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly documents: DocumentsService,
    private readonly letters: LettersRepository,
  ) {}

  onModuleInit(): void {
    this.applications.onMove(['ISSUE_RECEIPT', 'APPROVE', 'REJECT'], (principal, id, action) => this.write(principal, id, action));
  }

  private async write(principal: Principal, id: string, action: Action): Promise<void> {
    const dossier = await this.letters.dossier(id);
    if (!dossier) return;
    if (action === 'ISSUE_RECEIPT') {
      const receipt = await this.letters.receipt(id);
      if (!receipt || !dossier.deliverablesReceivedOn || !dossier.receiptDueOn) return;
      const content = await receiptPdf({
        ...dossier,
        ...receipt,
        deliverablesReceivedOn: fromDbDate(dossier.deliverablesReceivedOn),
        receiptDueOn: fromDbDate(dossier.receiptDueOn),
      });
      await this.documents.add(
        principal,
        id,
        { kind: 'RECEIPT', filename: `recepisse-${receipt.finessEt}.pdf`, label: 'Récépissé de l’engagement de conformité', content },
        { withMove: true },
      );
      return;
    }
    const decision = await this.letters.decision(id);
    if (!decision) return;
    const content = await decisionLetterPdf({ ...dossier, ...decision, opinion: await this.letters.opinion(id) });
    await this.documents.add(
      principal,
      id,
      {
        kind: 'DECISION_LETTER',
        filename: `decision-${decision.decidedOn}.pdf`,
        label: `Décision du directeur général (${decision.outcome === 'APPROVED' ? 'accord' : 'refus'})`,
        content,
      },
      { withMove: true },
    );
  }
}
