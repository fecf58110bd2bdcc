// A call's mapping: which champ of its démarche (by its stable id) feeds which field of the
// promoter, the project, its expenses, its site meeting and its pièces, and how a champ's
// value becomes ours. Data, not code; checked against the démarche's own champs. Pure.
import { canonicalJson } from '../common/canonical-json.js';
import { MAX_CENTS } from '../common/money.js';
import { INSEE_COMMUNE } from '../common/validation/codes.js';
import { isCalendarDate } from '../common/validation/dates.js';
import type { Convention, DocumentKind, ExpenseCategory, ExpenseNature, LegalType, ProjectKind } from '../generated/prisma/enums.js';

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

/** What DS cannot give, for every dossier of a call (PUT …/mapping `defaults`). */
export interface MappingDefaults {
  legalType?: LegalType;
  kind?: ProjectKind;
  existing?: boolean;
  balancedBudget?: boolean;
  convention?: Convention;
  doctorsPlanned?: number;
  professionalsPlanned?: number;
  populationServed?: number;
}

/** A champ of a DS dossier as the client reads it (the fields the mapping looks at). */
export interface DossierChamp {
  champDescriptorId: string;
  label: string;
  stringValue: string | null;
  integer?: string | null;
  date?: string | null;
  etablissement?: { siret: string } | null;
  commune?: { code: string; postalCode: string | null } | null;
  files?: { filename: string; contentType: string; byteSizeBigInt: string; checksum: string; url: string }[];
}

/**
 * What a DS dossier says, through the mapping: the values our dossier takes (the snapshot a
 * re-sync compares with, JSON as stored) and the pièces to fetch. The commune is as DS gives it
 * (an INSEE code, or a postal code typed): the service finds it among the region's communes.
 */
export interface DossierValues {
  promoter: { name: string; siren: string | null };
  project: { name: string; commune: { code: string | null; postalCode: string | null }; doctorsPlanned: number; professionalsPlanned: number; populationServed: number };
  siteMeetingHeldOn: string | null;
  expenses: { category: ExpenseCategory; nature: ExpenseNature; label: string; amountCents: string }[];
}

export interface DossierPiece {
  champId: string;
  kind: DocumentKind;
  label: string;
  filename: string;
  contentType: string;
  size: bigint;
  /** DS's: the base64 MD5 of the bytes. */
  checksum: string;
  url: string;
}

export type DossierReading = { values: DossierValues; pieces: DossierPiece[] } | { problems: string[] };

const text = (c: DossierChamp | undefined) => c?.stringValue?.trim() || null;

/**
 * Reads a DS dossier through the call's mapping: every value converted (euros to cents, counts,
 * dates, SIREN, commune), or every reason it cannot be — a dossier is taken whole or refused.
 */
export function readDossier(champs: DossierChamp[], fields: MappedField[], defaults: MappingDefaults, today: string): DossierReading {
  const byId = new Map(champs.map((c) => [c.champDescriptorId, c]));
  const problems: string[] = [];
  const single = (target: Target) => fields.find((f) => f.target === target);
  const named = (f: MappedField, c: DossierChamp | undefined) => `champ ${c ? `"${c.label}" ` : ''}(${f.champId}, ${f.target})`;

  /** The champ's text, or a problem when a required target's champ is absent or empty. */
  const valueOf = (target: Target): { field?: MappedField; champ?: DossierChamp; text: string | null } => {
    const field = single(target);
    if (!field) return { text: null };
    const champ = byId.get(field.champId);
    const value = target === 'project.commune' ? (champ?.commune?.code ?? text(champ)) : text(champ);
    if (REQUIRED_TARGETS.includes(target)) {
      if (!champ) problems.push(`${named(field, champ)} is not in the dossier: the démarche's revision may have changed since the mapping was saved`);
      else if (!value) problems.push(`${named(field, champ)} is empty; the dossier cannot be created without it`);
    }
    return { field, champ, text: value };
  };

  const count = (target: 'project.doctorsPlanned' | 'project.professionalsPlanned' | 'project.populationServed', fallback: number | undefined): number => {
    const { field, champ, text: t } = valueOf(target);
    if (!field || t === null) return fallback ?? 0;
    const n = countOf(champ?.integer ?? t);
    if (n === null) problems.push(`${named(field, champ)}: "${t}" is not a whole number`);
    return n ?? 0;
  };

  const promoterName = valueOf('promoter.name').text;
  const siren = valueOf('promoter.siren');
  const sirenText = siren.champ?.etablissement?.siret ?? siren.text;
  const sirenValue = sirenText === null ? null : sirenOf(sirenText);
  if (siren.field && sirenText !== null && sirenValue === null)
    problems.push(`${named(siren.field, siren.champ)}: "${sirenText}" is neither a SIRET (14 digits) nor a SIREN (9 digits)`);
  const projectName = valueOf('project.name').text;
  const commune = valueOf('project.commune');
  const code = commune.champ?.commune?.code ?? commune.text;
  const communeValue = { code: code && INSEE_COMMUNE.test(code.replace(/\s/g, '')) ? code.replace(/\s/g, '') : null, postalCode: commune.champ?.commune?.postalCode ?? null };
  if (commune.field && code && !communeValue.code) problems.push(`${named(commune.field, commune.champ)}: "${code}" is neither an INSEE code nor a postal code`);

  const meeting = valueOf('siteMeeting.heldOn');
  const heldOn = meeting.champ?.date ?? meeting.text;
  const heldOnValid = heldOn !== null && heldOn !== undefined && isCalendarDate(heldOn) && heldOn <= today;
  if (meeting.field && heldOn && !heldOnValid) problems.push(`${named(meeting.field, meeting.champ)}: "${heldOn}" is not a date, or is in the future`);

  const expenses: DossierValues['expenses'] = [];
  const pieces: DossierPiece[] = [];
  for (const f of fields) {
    const champ = byId.get(f.champId);
    if (f.target === 'expense') {
      const t = text(champ);
      if (t === null) continue;
      const cents = eurosToCents(champ?.integer ?? t);
      if (cents === null || cents < 0n || cents > MAX_CENTS) problems.push(`${named(f, champ)}: "${t}" is not an amount in euros (at most 2 decimals)`);
      else if (cents > 0n) expenses.push({ category: f.category!, nature: f.nature ?? 'OTHER', label: f.label ?? champ!.label.slice(0, 200), amountCents: String(cents) });
    } else if (f.target === 'document') {
      for (const file of champ?.files ?? []) {
        pieces.push({
          champId: f.champId,
          kind: f.kind!,
          label: (f.label ?? champ!.label).slice(0, 200),
          filename: file.filename,
          contentType: file.contentType,
          size: BigInt(file.byteSizeBigInt),
          checksum: file.checksum,
          url: file.url,
        });
      }
    }
  }
  const values: DossierValues = {
    promoter: { name: (promoterName ?? '').slice(0, 200), siren: sirenValue },
    project: {
      name: (projectName ?? '').slice(0, 200),
      commune: communeValue,
      doctorsPlanned: count('project.doctorsPlanned', defaults.doctorsPlanned),
      professionalsPlanned: count('project.professionalsPlanned', defaults.professionalsPlanned),
      populationServed: count('project.populationServed', defaults.populationServed),
    },
    siteMeetingHeldOn: heldOnValid ? heldOn : null,
    expenses,
  };
  return problems.length ? { problems } : { values, pieces };
}

/** The values that differ between two readings of a dossier, named as the mapping's targets. */
export function changesBetween(before: DossierValues, after: DossierValues): { field: string; from: unknown; to: unknown }[] {
  const flat = (v: DossierValues): Record<string, unknown> => ({
    'promoter.name': v.promoter.name,
    'promoter.siren': v.promoter.siren,
    'project.name': v.project.name,
    'project.commune': v.project.commune.code,
    'project.doctorsPlanned': v.project.doctorsPlanned,
    'project.professionalsPlanned': v.project.professionalsPlanned,
    'project.populationServed': v.project.populationServed,
    'siteMeeting.heldOn': v.siteMeetingHeldOn,
    expenses: v.expenses,
  });
  const a = flat(before);
  const b = flat(after);
  return Object.keys(b)
    .filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]))
    .map((k) => ({ field: k, from: a[k] ?? null, to: b[k] }));
}
