// A call's mapping: which champ of its démarche (by its stable id) feeds which field of the
// promoter, the project, its expenses, its site meeting and its pièces, and how a champ's
// value becomes ours. Data, not code; checked against the démarche's own champs. Pure.
import type { DocumentKind, ExpenseCategory, ExpenseNature } from '../generated/prisma/enums.js';

/** What a champ may feed, and the DS champ types that can feed it. */
export const TARGETS = {
  'promoter.name': ['TextChampDescriptor', 'TextareaChampDescriptor'],
  'promoter.siren': ['SiretChampDescriptor', 'TextChampDescriptor'],
  'project.name': ['TextChampDescriptor', 'TextareaChampDescriptor'],
  'project.commune': ['CommuneChampDescriptor', 'TextChampDescriptor'],
  'project.doctorsPlanned': ['IntegerNumberChampDescriptor', 'DecimalNumberChampDescriptor'],
  'project.professionalsPlanned': ['IntegerNumberChampDescriptor', 'DecimalNumberChampDescriptor'],
  'project.populationServed': ['IntegerNumberChampDescriptor', 'DecimalNumberChampDescriptor'],
  'siteMeeting.heldOn': ['DateChampDescriptor'],
  expense: ['DecimalNumberChampDescriptor', 'IntegerNumberChampDescriptor'],
  document: ['PieceJustificativeChampDescriptor'],
} as const satisfies Record<string, readonly string[]>;

export type Target = keyof typeof TARGETS;
export const TARGET_NAMES = Object.keys(TARGETS) as Target[];

/** Without these a dossier cannot be created: its promoter, its project and their commune. */
export const REQUIRED_TARGETS: Target[] = ['promoter.name', 'project.name', 'project.commune'];

/** Targets that one champ at most may feed. */
const SINGLE: Target[] = TARGET_NAMES.filter((t) => t !== 'expense' && t !== 'document');

export interface MappedField {
  champId: string;
  target: Target;
  /** An expense's category, nature and label. */
  category?: ExpenseCategory;
  nature?: ExpenseNature;
  label?: string;
  /** A pièce's kind. */
  kind?: DocumentKind;
}

export interface ChampOfDemarche {
  id: string;
  type: string;
  label: string;
}

export interface MappingProblem {
  field: string;
  message: string;
}

/** What is wrong with a mapping for this démarche: unknown champs, champs of the wrong type, targets missing or fed twice. */
export function mappingProblems(fields: MappedField[], champs: ChampOfDemarche[]): MappingProblem[] {
  const byId = new Map(champs.map((c) => [c.id, c]));
  const problems: MappingProblem[] = [];
  fields.forEach((f, i) => {
    const at = `fields[${i}]`;
    const champ = byId.get(f.champId);
    if (!champ) {
      problems.push({ field: `${at}.champId`, message: `the démarche has no champ ${f.champId} (in its active revision)` });
      return;
    }
    const accepted: readonly string[] = TARGETS[f.target];
    if (!accepted.includes(champ.type)) {
      problems.push({ field: `${at}.champId`, message: `champ ${f.champId} ("${champ.label}") is a ${champ.type}; ${f.target} takes ${accepted.join(' or ')}` });
    }
    if (f.target === 'expense' && !f.category) problems.push({ field: `${at}.category`, message: 'an expense needs its category' });
    if (f.target === 'document' && !f.kind) problems.push({ field: `${at}.kind`, message: 'a pièce needs its kind' });
  });
  for (const target of SINGLE) {
    const feeding = fields.filter((f) => f.target === target);
    if (feeding.length > 1) problems.push({ field: 'fields', message: `${target} is fed by ${feeding.length} champs (${feeding.map((f) => f.champId).join(', ')}); one at most` });
  }
  for (const target of REQUIRED_TARGETS) {
    if (!fields.some((f) => f.target === target)) problems.push({ field: 'fields', message: `${target} is fed by no champ: a dossier cannot be created without it` });
  }
  return problems;
}

/**
 * Euros as DS shows them ("125000.5", "125 000,50", "1 250,00 €") to integer cents, without
 * floating point; null when it is not an amount (or has more than 2 decimals).
 */
export function eurosToCents(text: string | null | undefined): bigint | null {
  if (text == null) return null;
  const cleaned = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!m) return null;
  const cents = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] ? -cents : cents;
}

/** A SIREN from a SIRET (its first 9 digits) or a SIREN as typed (spaces allowed); null otherwise. */
export function sirenOf(text: string | null | undefined): string | null {
  const digits = (text ?? '').replace(/\s/g, '');
  return /^\d{14}$/.test(digits) || /^\d{9}$/.test(digits) ? digits.slice(0, 9) : null;
}

/** A whole number of people from an integer or decimal champ's text; null otherwise. */
export function countOf(text: string | null | undefined): number | null {
  const cleaned = (text ?? '').replace(/[\s\u00a0\u202f]/g, '').replace(/[.,]0+$/, '');
  return /^\d{1,9}$/.test(cleaned) ? Number(cleaned) : null;
}
