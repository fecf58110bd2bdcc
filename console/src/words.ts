// The console's French: the domain's words (shared with the letters), the actions, and what a
// refusal of the API means, said in French beside the API's own words.
import type { Problem } from './api.js';

export { KIND_WORDS, OPINION_WORDS, percent, STATUS_WORDS, ZONE_WORDS } from '../../src/common/words.js';
import { PIECE_TITLES } from '../../src/documents/piece-kinds.js';

export { PIECE_TITLES };

export const ACTION_WORDS: Record<string, string> = {
  RECORD_SITE_MEETING: 'Enregistrer la rencontre sur site',
  SUBMIT: 'Enregistrer la demande (dépôt)',
  SCHEDULE_OPINION: "Inscrire à l'ordre du jour de la CARPEC (avis)",
  RECORD_OPINION: "Enregistrer l'avis de la CARPEC",
  APPROVE: 'Décider : accord',
  REJECT: 'Décider : refus',
  RECEIVE_DELIVERABLES: 'Enregistrer les livrables reçus',
  ISSUE_RECEIPT: 'Délivrer le récépissé',
  SCHEDULE_INFORMATION: 'Inscrire à la CARPEC pour information',
  NOTE_INFORMATION: 'Enregistrer la prise de connaissance',
  COMPLETE: "Clore l'accompagnement (achevé)",
  DELIVER_AUDIT_PLAN: "Enregistrer le plan de retour à l'équilibre",
  WITHDRAW: 'Retrait du porteur',
  CLOSE: 'Clore le dossier',
};

export const CATEGORY_WORDS: Record<string, string> = {
  IMMOBILIER: 'Immobilier',
  EQUIPEMENT: 'Équipement',
  SI_PARTAGE: "Système d'information partagé",
  INGENIERIE: 'Ingénierie',
  FONCTIONNEMENT: 'Fonctionnement',
};

export const NATURE_WORDS: Record<string, string> = {
  LAND: 'Foncier',
  WORKS: 'Travaux',
  VRD: 'Voirie et réseaux divers',
  FEES_STUDIES: 'Honoraires et études',
  FURNITURE: 'Mobilier',
  MEDICAL_EQUIPMENT: 'Équipement médical',
  IT_FIRST_PURCHASE: 'Premier équipement informatique',
  OTHER: 'Autre',
};

export const FUNDER_WORDS: Record<string, string> = {
  REGION: 'Région',
  ARS: 'ARS',
  DETR: 'DETR (préfecture)',
  DSIL: 'DSIL (préfecture)',
  FNADT: 'FNADT',
  DEPARTEMENT: 'Département',
  CPAM: 'Assurance maladie',
};

export const EVENT_WORDS: Record<string, string> = {
  CREATED: 'Dossier ouvert',
  SITE_MEETING_RECORDED: 'Rencontre sur site enregistrée',
  SUBMITTED: 'Demande enregistrée',
  DOCUMENT_ADDED: 'Pièce ajoutée',
  DOCUMENT_REPLACED: 'Pièce remplacée',
  DOCUMENT_WITHDRAWN: 'Pièce retirée',
  DS_IMPORTED: 'Importé de Démarches Simplifiées',
  DS_UPDATED: 'Mis à jour depuis Démarches Simplifiées',
  DS_CHANGES_PENDING: 'Modifications sur Démarches Simplifiées à examiner',
  DS_MESSAGE_SENT: 'Message envoyé au porteur (Démarches Simplifiées)',
  DS_STATE_CHANGED: 'État changé sur Démarches Simplifiées',
  DS_CHANGES_ACCEPTED: 'Modifications de Démarches Simplifiées appliquées',
  DS_CHANGES_DISMISSED: 'Modifications de Démarches Simplifiées écartées',
  ASSIGNED: 'Dossier confié à un instructeur',
  LETTER_OF_INTENT_REQUESTED: "Lettre d'intention demandée",
  LETTER_OF_INTENT_NOT_REQUESTED: "Lettre d'intention non demandée",
  ATTESTED: 'Attestation enregistrée',
  ATTESTATION_REMOVED: 'Attestation retirée',
  CARPEC_OPINION_SCHEDULED: "Inscrit à l'ordre du jour de la CARPEC (avis)",
  CARPEC_INFORMATION_SCHEDULED: "Inscrit à l'ordre du jour de la CARPEC (information)",
  CARPEC_OPINION_RECORDED: 'Avis de la CARPEC enregistré',
  CARPEC_INFORMATION_NOTED: 'Prise de connaissance par la CARPEC',
  APPROVED: 'Accord du directeur général',
  REJECTED: 'Refus du directeur général',
  DELIVERABLES_RECEIVED: 'Livrables reçus',
  RECEIPT_ISSUED: 'Récépissé délivré',
  COMPLETED: 'Accompagnement achevé',
  AUDIT_PLAN_DELIVERED: "Plan de retour à l'équilibre remis",
  WITHDRAWN: 'Retrait du porteur',
  CLOSED: 'Dossier clos',
  DETR_CONFIRMED: 'Éligibilité DETR confirmée par la préfecture',
  DETR_REFUSED: 'Éligibilité DETR refusée par la préfecture',
};

const euroFormat = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
/** Integer cents in euros, for reading only (never computed with). */
export const euros = (cents: number | null | undefined) => (cents == null ? '—' : euroFormat.format(cents / 100));
const compactEuroFormat = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 });
/** For a chart's axis: 1,2 M €. */
export const eurosShort = (cents: number) => compactEuroFormat.format(cents / 100);
/** Today in Paris, as a date field's value (2026-12-03). */
export const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
export const day = (iso: string | null | undefined) => (iso ? new Date(`${iso.slice(0, 10)}T12:00:00Z`).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' }) : '—');
export const moment = (iso: string) => new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });

/** What a refusal means, in French; the API's own words follow it on the page. */
export function refusalWords(p: Problem): string {
  const rule = p.rule ?? String(p.type).split('/').pop();
  if (rule === 'missing-pieces') return `Il manque des pièces au dossier pour cette étape${p.missing?.length ? ` : ${p.missing.map((k) => PIECE_WORD(k)).join(', ')}` : ''}.`;
  if (rule === 'dates-out-of-order') return 'Cette date précède une étape déjà enregistrée du dossier.';
  if (p.status === 400) return `Le formulaire contient une erreur${p.errors?.length ? ` : ${p.errors.map((e) => `${e.field} (${e.message})`).join(' ; ')}` : ''}.`;
  if (p.status === 401) return 'Votre session a expiré : reconnectez-vous.';
  if (p.status === 403) return 'Votre rôle ou votre territoire ne permet pas cette action.';
  if (p.status === 404) return 'Introuvable dans votre territoire.';
  if (p.status === 409) return 'Le dossier a changé entre-temps, ou son état ne permet pas cette action : rechargez la page.';
  if (p.status === 412) return 'Le dossier a changé depuis votre lecture : rechargez la page.';
  if (p.status === 422) return 'Une règle de la procédure s’y oppose.';
  if (p.status === 429) return 'Trop de demandes : patientez un instant.';
  if (p.status >= 500) return 'Le service est momentanément indisponible : réessayez dans un instant.';
  return 'La demande a été refusée.';
}

const PIECE_WORD = (k: string) => (PIECE_TITLES as Record<string, string>)[k] ?? k;
