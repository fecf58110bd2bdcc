import type { DocumentKind } from '../generated/prisma/enums.js';

/** What each kind of pièce is called in the procedure's words (seed 002): for people, letters and the demo. */
export const PIECE_TITLES: Record<DocumentKind, string> = {
  REQUEST: "Demande d'accompagnement",
  LETTER_OF_INTENT: "Lettre d'intention",
  PROJET_DE_SANTE: 'Projet de santé',
  ENGAGEMENT_CONFORMITE: 'Engagement de conformité',
  REGLEMENT_FONCTIONNEMENT: 'Règlement de fonctionnement',
  FINANCING_PLAN: 'Plan de financement pluriannuel prévisionnel',
  COORDINATION_DELIVERABLE: "Description de l'organisation pluri-professionnelle",
  CONVENTION: 'Convention (accord national ou ACI)',
  RECOVERY_PLAN: "Plan de retour à l'équilibre",
  RECEIPT: "Récépissé de l'engagement de conformité",
  DECISION_LETTER: 'Décision du directeur général',
  OTHER: 'Autre pièce',
};
