// What the ARS signs and sends, and what the CARPEC reads: the récépissé, the decision letter,
// the séance's agenda and each dossier's one-page summary, in French. Pure: facts in, PDF bytes
// out (tagged-pdf.ts).
import type { ApplicationStatus, DecisionOutcome, DocumentKind, OpinionOutcome, ProjectKind, Zone } from '../generated/prisma/enums.js';
import { PIECE_TITLES } from '../documents/piece-kinds.js';
import { KIND_WORDS, OPINION_WORDS, percent, STATUS_WORDS, ZONE_WORDS } from '../common/words.js';
import { euros, frenchDate, TaggedPdf } from './tagged-pdf.js';

/** The dossier as the letters name it. */
export interface DossierFacts {
  id: string;
  arsName: string;
  regionName: string;
  projectName: string;
  kind: ProjectKind;
  promoterName: string;
  communeName: string;
  inseeCode: string;
  departmentCode: string;
  zone: Zone;
}

export interface ReceiptFacts extends DossierFacts {
  deliverablesReceivedOn: string;
  receiptDueOn: string;
  issuedOn: string;
  finessEj: string;
  finessEt: string;
  late: boolean;
  signedBy: string | null;
}

export interface OpinionFacts {
  sessionDate: string;
  sessionTitle: string;
  outcome: OpinionOutcome;
  reservations: string | null;
}

export interface DecisionFacts extends DossierFacts {
  procedure: 'ACCOMPANIMENT' | 'AUDIT';
  outcome: DecisionOutcome;
  decidedOn: string;
  motivation: string | null;
  differsFromOpinion: boolean;
  opinion: OpinionFacts | null;
  /** Where the decision leads the dossier. */
  status: ApplicationStatus;
  signedBy: string | null;
}

const PLAN_WORDS = { COMPUTED: 'calculé', COMMITTED: 'engagé', RELEASED: 'libéré' } as const;

/** The warnings of eligibility.ts, in French for the committee (their rule named). */
const WARNING_WORDS: Record<string, string> = {
  'cds-two-professionals': 'Un centre de santé compte au moins deux professionnels de santé, sauf circonstances particulières',
  'cds-catchment-4000': 'Un centre de santé est conçu pour un bassin d’environ 4 000 habitants',
  'antenne-facts-missing': 'Les conditions de l’antenne (horaires, distance, système d’information) ne sont pas renseignées',
};

const letterhead = (f: DossierFacts) => [f.arsName, `Agence régionale de santé ${f.regionName}`, 'Direction de l’offre de soins — exercice coordonné'];
const centre = (f: DossierFacts): [string, string][] => [
  ['Structure', `${f.projectName} (${KIND_WORDS[f.kind]})`],
  ['Porteur', f.promoterName],
  ['Commune', `${f.communeName} (${f.inseeCode}), département ${f.departmentCode}`],
];
const signature = (signedBy: string | null) => ['Pour le directeur général de l’agence régionale de santé,', signedBy ?? 'Le directeur général'];

/** The récépissé of the engagement de conformité (seed 002): it carries the FINESS numbers and "vaut autorisation de dispenser des soins". */
export function receiptPdf(f: ReceiptFacts): Promise<Buffer> {
  const title = `Récépissé de l’engagement de conformité — ${f.projectName}`;
  const pdf = new TaggedPdf({ title, author: f.arsName, subject: 'Récépissé (article L. 6323-1-11 du code de la santé publique)' });
  pdf.letterhead(letterhead(f)).h1('Récépissé de l’engagement de conformité');
  pdf.p(
    `Le directeur général de l’agence régionale de santé ${f.regionName} accuse réception du projet de santé et de l’engagement de conformité ` +
      `transmis pour la structure ci-dessous, reçus le ${frenchDate(f.deliverablesReceivedOn)}.`,
  );
  pdf.fields([
    ...centre(f),
    ['N° FINESS entité juridique', f.finessEj],
    ['N° FINESS établissement', f.finessEt],
    ['Documents reçus le', frenchDate(f.deliverablesReceivedOn)],
    ['Récépissé dû au plus tard le', `${frenchDate(f.receiptDueOn)} (deux mois après la réception)`],
    ['Délivré le', frenchDate(f.issuedOn)],
  ]);
  pdf.p('Le présent récépissé vaut autorisation de dispenser des soins au sein du centre ou de l’antenne.', { bold: true });
  pdf.p(
    'L’attribution des numéros FINESS permet le recrutement des effectifs, l’adhésion à l’accord national ou à l’accord conventionnel interprofessionnel (ACI) ' +
      'et la sollicitation des aides conventionnelles.',
  );
  if (f.late) pdf.p(`Délivré après le délai de deux mois, échu le ${frenchDate(f.receiptDueOn)}.`, { muted: true });
  pdf.p(`Fait le ${frenchDate(f.issuedOn)}.`).signature(signature(f.signedBy));
  pdf.p(`Dossier ${f.id}`, { muted: true, size: 8 });
  return pdf.bytes();
}

const NEXT_WORDS: Partial<Record<ApplicationStatus, string>> = {
  STEP2_IN_PROGRESS: 'La structure est accompagnée à l’élaboration de son projet (étape 2), puis à la mise en place de la coordination pluri-professionnelle (étape 3).',
  STEP3_IN_PROGRESS: 'La structure, déjà existante, est accompagnée à la mise en place de la coordination pluri-professionnelle (étape 3).',
  AUDIT_IN_PROGRESS: 'Un prestataire externe réalise l’audit ; il présentera un plan de retour à l’équilibre.',
};

/** The DG ARS's decision: its outcome, its motivation, the CARPEC opinion it follows or departs from. */
export function decisionLetterPdf(f: DecisionFacts): Promise<Buffer> {
  const approved = f.outcome === 'APPROVED';
  const what = f.procedure === 'AUDIT' ? 'd’audit' : 'd’accompagnement';
  const title = `Décision relative à la demande ${what} — ${f.projectName}`;
  const pdf = new TaggedPdf({ title, author: f.arsName, subject: 'Décision du directeur général de l’agence régionale de santé' });
  pdf.letterhead(letterhead(f)).h1(`Décision relative à la demande ${what}`);
  pdf.fields(centre(f));
  pdf.h2('Avis de la CARPEC');
  if (f.opinion) {
    pdf.p(
      `La cellule d’appui régionale aux projets d’exercice coordonné, réunie le ${frenchDate(f.opinion.sessionDate)} (${f.opinion.sessionTitle}), ` +
        `a rendu un avis ${OPINION_WORDS[f.opinion.outcome]}.`,
    );
    if (f.opinion.reservations) pdf.p(`Réserves : ${f.opinion.reservations}`);
  } else {
    pdf.p('Aucun avis de la CARPEC n’est enregistré pour cette demande.');
  }
  pdf.h2('Décision');
  pdf.p(
    `Le directeur général de l’agence régionale de santé ${f.regionName} ${approved ? 'accorde' : 'refuse'} ${f.procedure === 'AUDIT' ? 'l’audit' : 'l’accompagnement'} demandé.`,
    {
      bold: true,
    },
  );
  if (f.opinion) {
    pdf.p(
      f.differsFromOpinion
        ? `Cette décision s’écarte de l’avis ${OPINION_WORDS[f.opinion.outcome]} de la CARPEC.`
        : `Cette décision suit l’avis ${OPINION_WORDS[f.opinion.outcome]} de la CARPEC.`,
    );
  }
  if (f.motivation) pdf.p(`Motivation : ${f.motivation}`);
  const next = approved ? NEXT_WORDS[f.status] : undefined;
  if (next) pdf.p(next);
  if (!approved)
    pdf.p(
      'Cette décision peut faire l’objet d’un recours gracieux auprès du directeur général ou d’un recours contentieux devant le tribunal administratif dans un délai de deux mois.',
    );
  pdf.p(`Fait le ${frenchDate(f.decidedOn)}.`).signature(signature(f.signedBy));
  pdf.p(`Dossier ${f.id}`, { muted: true, size: 8 });
  return pdf.bytes();
}

export interface AgendaFacts {
  arsName: string;
  regionName: string;
  sessionTitle: string;
  sessionDate: string;
  items: { position: number; projectName: string; promoterName: string; communeName: string; departmentCode: string; purpose: 'OPINION' | 'INFORMATION' }[];
}

/** The séance's agenda: the dossiers it gives an opinion on, then those presented for information. */
export function agendaPdf(f: AgendaFacts): Promise<Buffer> {
  const pdf = new TaggedPdf({ title: `Ordre du jour — ${f.sessionTitle} du ${frenchDate(f.sessionDate)}`, author: f.arsName, subject: 'Séance de la CARPEC' });
  pdf.letterhead([f.arsName, `Agence régionale de santé ${f.regionName}`, 'Cellule d’appui régionale aux projets d’exercice coordonné (CARPEC)']);
  pdf.h1(`Ordre du jour — séance du ${frenchDate(f.sessionDate)}`);
  pdf.p(f.sessionTitle);
  pdf.table(
    ['N°', 'Structure', 'Porteur', 'Commune', 'Objet'],
    f.items.map((i) => [
      String(i.position),
      i.projectName,
      i.promoterName,
      `${i.communeName} (${i.departmentCode})`,
      i.purpose === 'OPINION' ? 'Avis' : 'Information (projet de santé)',
    ]),
    [28, 150, 120, 115, 70],
  );
  if (!f.items.length) pdf.p('Aucun dossier à l’ordre du jour.');
  return pdf.bytes();
}

export interface SummaryFacts extends DossierFacts {
  position: number;
  purpose: 'OPINION' | 'INFORMATION';
  status: ApplicationStatus;
  procedure: 'ACCOMPANIMENT' | 'AUDIT';
  qpv: boolean;
  island: boolean;
  detr: string;
  eligible: boolean;
  eligibilityReasons: string[];
  warnings: { rule: string; detail: string }[];
  doctorsPlanned: number;
  professionalsPlanned: number;
  plan: {
    status: 'COMPUTED' | 'COMMITTED' | 'RELEASED';
    totalCents: bigint;
    publicCeilingCents: bigint;
    selfFinancingCents: bigint;
    lines: { funder: string; baseCents: bigint; rateBps: number; amountCents: bigint }[];
  } | null;
  pieces: { kind: DocumentKind; filename: string; version: number }[];
}

/** One dossier on one page, as the CARPEC reads it before the séance. */
export function summaryPdf(f: SummaryFacts): Promise<Buffer> {
  const pdf = new TaggedPdf({ title: `Fiche de synthèse n° ${f.position} — ${f.projectName}`, author: f.arsName, subject: 'Séance de la CARPEC : fiche de synthèse' });
  pdf.h1(`${f.position}. ${f.projectName}`);
  pdf.p(`${KIND_WORDS[f.kind]} — ${f.purpose === 'OPINION' ? 'pour avis' : 'pour information (projet de santé)'}`, { muted: true });
  pdf.fields([
    ['Porteur', f.promoterName],
    ['Commune', `${f.communeName} (${f.inseeCode}), département ${f.departmentCode}`],
    ['Zonage', [ZONE_WORDS[f.zone], f.qpv ? 'QPV' : null, f.island ? 'île' : null].filter(Boolean).join(', ')],
    ['DETR', f.detr],
    ['Procédure', f.procedure === 'AUDIT' ? 'Audit d’un centre existant' : 'Accompagnement (étapes 1 à 3)'],
    ['Statut', STATUS_WORDS[f.status]],
    ['Équipe prévue', `${f.doctorsPlanned} médecin(s), ${f.professionalsPlanned} professionnel(s) de santé`],
    ['Éligibilité', f.eligible ? 'éligible' : `non éligible : ${f.eligibilityReasons.join(' ; ')}`],
  ]);
  if (f.warnings.length) {
    pdf.h2('Points d’attention');
    for (const w of f.warnings) pdf.p(`${WARNING_WORDS[w.rule] ?? w.detail} (${w.rule})`);
  }
  pdf.h2('Plan de financement');
  if (f.plan) {
    pdf.p(
      `Plan ${PLAN_WORDS[f.plan.status]} — coût total ${euros(f.plan.totalCents)}, plafond d’aide publique ${euros(f.plan.publicCeilingCents)}, autofinancement ${euros(f.plan.selfFinancingCents)}.`,
    );
    pdf.table(
      ['Financeur', 'Assiette', 'Taux', 'Montant'],
      f.plan.lines.map((l) => [l.funder, euros(l.baseCents), percent(l.rateBps), euros(l.amountCents)]),
      [110, 150, 80, 143],
    );
  } else {
    pdf.p('Aucun plan de financement calculé.');
  }
  pdf.h2('Pièces jointes');
  if (f.pieces.length) for (const p of f.pieces) pdf.p(`${PIECE_TITLES[p.kind]} : ${p.filename}${p.version > 1 ? ` (version ${p.version})` : ''}`);
  else pdf.p('Aucune pièce.');
  pdf.p(`Dossier ${f.id}`, { muted: true, size: 8 });
  return pdf.bytes();
}
