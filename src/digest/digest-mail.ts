// The daily digest's e-mail, in French: subject, plain text and HTML from the sections a person's
// digest holds. Pure: facts in, text out; every value interpolated into the HTML is escaped.
import { daysBetween } from '../common/validation/dates.js';
import type { ApplicationStatus } from '../generated/prisma/enums.js';
import { STATUS_WORDS } from '../common/words.js';
import { frenchDate } from '../letters/tagged-pdf.js';
import { DUE_SOON_DAYS } from '../reports/report-types.js';

export const SECTION_KEYS = ['RECEIPT_OVERDUE', 'RECEIPT_DUE_SOON', 'ASSIGNED', 'DECISION_TO_SIGN', 'RECEIPT_TO_SIGN'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

export interface DigestItem {
  applicationId: string;
  projectName: string;
  communeName: string;
  departmentCode: string;
  status: ApplicationStatus;
  /** The récépissé's due date, while it is awaited. */
  dueOn?: string;
  /** Days past `dueOn`, when it has passed. */
  daysLate?: number;
}

export interface DigestSection {
  key: SectionKey;
  title: string;
  items: DigestItem[];
}

/** Each section's title, and the sentence that says what it lists. */
export const SECTION_WORDS: Record<SectionKey, { title: string; lead: string }> = {
  RECEIPT_OVERDUE: { title: 'En retard', lead: 'Récépissés non délivrés dans le délai de deux mois après la réception des livrables.' },
  RECEIPT_DUE_SOON: { title: `Échéances à ${DUE_SOON_DAYS} jours`, lead: `Récépissés à délivrer dans les ${DUE_SOON_DAYS} prochains jours.` },
  ASSIGNED: { title: 'Dossiers qui vous sont confiés', lead: 'Vos dossiers en cours d’instruction.' },
  DECISION_TO_SIGN: { title: 'Décisions à signer', lead: 'Dossiers en attente de la décision du directeur général, après l’avis de la CARPEC.' },
  RECEIPT_TO_SIGN: { title: 'Récépissés à signer', lead: 'Livrables reçus, récépissé à délivrer : les plus en retard d’abord.' },
};

const BRAND = 'Financement MSP';

/** « 1er décembre 2026 », « 2 décembre 2026 ». */
export const dayWords = (isoDate: string) => frenchDate(isoDate).replace(/^1 /, '1er ');

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string | number) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** The récépissé's deadline of an item, in words: « récépissé dû le 10 décembre 2026, dans 8 jours ». */
function deadlineWords(item: DigestItem, date: string): string | undefined {
  if (!item.dueOn) return undefined;
  const left = daysBetween(date, item.dueOn);
  const when = left < 0 ? `en retard de ${plural(-left, 'jour', 'jours')}` : left === 0 ? 'aujourd’hui' : left === 1 ? 'demain' : `dans ${plural(left, 'jour', 'jours')}`;
  return `récépissé dû le ${dayWords(item.dueOn)}, ${when}`;
}

/** The distinct dossiers of the digest (one may be in two sections: assigned, and due soon). */
export const dossierCount = (sections: DigestSection[]) => new Set(sections.flatMap((s) => s.items.map((i) => i.applicationId))).size;

export function digestSubject(date: string, sections: DigestSection[]): string {
  const n = dossierCount(sections);
  return n === 0 ? `${BRAND} — rien ne vous attend le ${dayWords(date)}` : `${BRAND} — ce qui vous attend le ${dayWords(date)} (${plural(n, 'dossier', 'dossiers')})`;
}

const OPT_OUT =
  'Vous recevez ce récapitulatif chaque jour où un dossier vous attend. Pour ne plus le recevoir, désactivez-le dans vos préférences ' +
  '(API : PUT /api/v1/me/digest-preferences avec {"dailyDigest": false}).';

/** The plain-text body. */
export function digestText(person: { displayName: string | null }, date: string, sections: DigestSection[]): string {
  const lines = [person.displayName ? `Bonjour ${person.displayName},` : 'Bonjour,', ''];
  const filled = sections.filter((s) => s.items.length);
  if (!filled.length) lines.push(`Aucun dossier ne vous attend le ${dayWords(date)}.`, '');
  else lines.push(`Voici ce qui vous attend le ${dayWords(date)}.`, '');
  for (const section of filled) {
    lines.push(`${section.title} (${section.items.length})`, SECTION_WORDS[section.key].lead, '');
    for (const item of section.items) {
      const deadline = deadlineWords(item, date);
      lines.push(`- ${item.projectName} — ${item.communeName} (${item.departmentCode}) — ${STATUS_WORDS[item.status]}${deadline ? ` — ${deadline}` : ''}`);
      lines.push(`  Dossier ${item.applicationId}`);
    }
    lines.push('');
  }
  lines.push('--', OPT_OUT);
  return `${lines.join('\n')}\n`;
}

/** The HTML body: the same content, each value escaped. */
export function digestHtml(person: { displayName: string | null }, date: string, sections: DigestSection[]): string {
  const subject = digestSubject(date, sections);
  const filled = sections.filter((s) => s.items.length);
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="fr">',
    `<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: Marianne, Arial, sans-serif; color: #161616; line-height: 1.5;">',
    `<p>${person.displayName ? `Bonjour ${escapeHtml(person.displayName)},` : 'Bonjour,'}</p>`,
    `<p>${filled.length ? 'Voici ce qui vous attend le' : 'Aucun dossier ne vous attend le'} <strong>${escapeHtml(dayWords(date))}</strong>.</p>`,
  ];
  for (const section of filled) {
    parts.push(`<h2 style="font-size: 1.2em;">${escapeHtml(section.title)} (${section.items.length})</h2>`, `<p>${escapeHtml(SECTION_WORDS[section.key].lead)}</p>`, '<ul>');
    for (const item of section.items) {
      const deadline = deadlineWords(item, date);
      parts.push(
        '<li>' +
          `<strong>${escapeHtml(item.projectName)}</strong> — ${escapeHtml(item.communeName)} (${escapeHtml(item.departmentCode)}) — ${escapeHtml(STATUS_WORDS[item.status])}` +
          (deadline ? ` — <span${(item.daysLate ?? 0) > 0 ? ' style="color: #ce0500;"' : ''}>${escapeHtml(deadline)}</span>` : '') +
          `<br><small style="color: #666666;">Dossier ${escapeHtml(item.applicationId)}</small>` +
          '</li>',
      );
    }
    parts.push('</ul>');
  }
  parts.push(`<hr><p><small>${escapeHtml(OPT_OUT)}</small></p>`, '</body>', '</html>');
  return `${parts.join('\n')}\n`;
}
