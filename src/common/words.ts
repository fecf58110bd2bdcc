// The domain's words in French, for people: letters, e-mails, DS annotations and the console.
// Pure (the console's bundle takes them too).
import type { ApplicationStatus, OpinionOutcome, ProjectKind, Zone } from '../generated/prisma/enums.js';

export const KIND_WORDS: Record<ProjectKind, string> = {
  MSP: 'Maison de santé pluriprofessionnelle',
  CDS_MEDICAL: 'Centre de santé médical',
  CDS_POLYVALENT: 'Centre de santé polyvalent',
  CDS_DENTAIRE: 'Centre de santé dentaire',
  CDS_INFIRMIER: 'Centre de santé infirmier',
  PSP: 'Pôle de santé pluriprofessionnel',
  ANTENNE: 'Antenne de centre de santé',
};

export const ZONE_WORDS: Record<Zone, string> = {
  ZIP: "zone d'intervention prioritaire (ZIP)",
  ZAC: "zone d'action complémentaire (ZAC)",
  NONE: 'hors zonage',
};

/** Where the dossier stands, in the procedure's words. */
export const STATUS_WORDS: Record<ApplicationStatus, string> = {
  DRAFT: 'en préparation',
  SITE_MEETING_HELD: 'réunion sur site tenue',
  SUBMITTED: 'demande reçue',
  CARPEC_REVIEW: 'à l’ordre du jour de la CARPEC',
  AWAITING_DECISION: 'en attente de la décision du directeur général',
  STEP2_IN_PROGRESS: 'étape 2 en cours',
  DELIVERABLES_RECEIVED: 'livrables reçus, récépissé à délivrer',
  RECEIPT_ISSUED: 'récépissé délivré',
  STEP3_IN_PROGRESS: 'étape 3 en cours',
  COMPLETED: 'accompagnement achevé',
  AUDIT_IN_PROGRESS: 'audit en cours',
  AUDIT_DELIVERED: 'plan de retour à l’équilibre remis',
  REJECTED: 'refusé',
  WITHDRAWN: 'retiré',
  CLOSED: 'clos',
};

export const OPINION_WORDS: Record<OpinionOutcome, string> = {
  FAVORABLE: 'favorable',
  FAVORABLE_WITH_RESERVATIONS: 'favorable avec réserves',
  UNFAVORABLE: 'défavorable',
  NOTED: 'pris acte',
};

/** Basis points as a French percentage, in integers: 2550 → « 25,50 % ». */
export const percent = (bps: number) => `${Math.trunc(bps / 100)},${String(Math.abs(bps % 100)).padStart(2, '0')} %`;
