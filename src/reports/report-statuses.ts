// The dossier status sets the reports' SQL needs, generated from the workflow module's own
// constants (src/applications/workflow.ts) so that a status added there reaches every report
// at once instead of drifting from copied lists. Pure.
import { ALL_STATUSES, checklist, type DossierFacts, PROCEDURES, STATUSES_OF, stepOf, TERMINAL } from '../applications/workflow.js';
import { type ApplicationStatus, ProjectKind } from '../generated/prisma/enums.js';

/**
 * The terminal statuses in which a dossier left the procedure without a result (a site whose
 * dossiers are all in one of them is no site of the follow-up). COMPLETED and AUDIT_DELIVERED
 * are terminal too, but they are results.
 */
export const LEFT_PROCEDURE: readonly ApplicationStatus[] = ['REJECTED', 'WITHDRAWN', 'CLOSED'];

/** Still in the procedure: every status that is not terminal (AUDIT_IN_PROGRESS included). */
export const OPEN_STATUSES: readonly ApplicationStatus[] = ALL_STATUSES.filter((s) => !TERMINAL.includes(s));

/** Open, or ended with a result: the dossiers that make a site of the follow-up. */
export const LIVE_STATUSES: readonly ApplicationStatus[] = ALL_STATUSES.filter((s) => !LEFT_PROCEDURE.includes(s));

/** A site is operational once a dossier of it has its récépissé issued or reached step 3. */
export const OPERATIONAL_STATUSES: readonly ApplicationStatus[] = ALL_STATUSES.filter((s) => s === 'RECEIPT_ISSUED' || stepOf(s) === 3);

const ENUM_VALUE = /^[A-Z][A-Z0-9_]*$/;

/** `('A','B')` for `IN`: the values are enum identifiers, checked, never input. */
export function sqlList(statuses: readonly ApplicationStatus[]): string {
  for (const s of statuses) if (!ENUM_VALUE.test(s)) throw new Error(`not a status identifier: ${s}`);
  // An empty IN () is a syntax error; (NULL) matches nothing.
  return statuses.length ? `(${statuses.map((s) => `'${s}'`).join(',')})` : '(NULL)';
}

/**
 * The step of `column` (a dossier's status) as SQL, from `stepOf`: statuses without a step
 * (audit, rejected, withdrawn, closed) give NULL.
 */
export function stepCaseSql(column: string): string {
  const whens = ([1, 2, 3] as const)
    .map((step) => [step, ALL_STATUSES.filter((s) => stepOf(s) === step)] as const)
    .filter(([, statuses]) => statuses.length > 0)
    .map(([step, statuses]) => `WHEN ${column} IN ${sqlList(statuses)} THEN ${step}`);
  return `CASE ${whens.join(' ')} END`;
}

/**
 * The pièces each dossier waits for, as SQL rows `(procedure, status, letter_of_intent_requested,
 * kind, piece)` for a VALUES list: the workflow's own checklist (workflow.ts), asked for every
 * procedure, open status, structure kind and letter-of-intent flag, never copied.
 */
export function requiredPiecesSql(): string {
  const rows: string[] = [];
  for (const procedure of PROCEDURES) {
    for (const status of STATUSES_OF[procedure].filter((s) => !TERMINAL.includes(s))) {
      for (const kind of Object.values(ProjectKind)) {
        for (const letterOfIntentRequested of [false, true]) {
          const facts: DossierFacts = {
            procedure,
            kind,
            letterOfIntentRequested,
            pieces: [],
            existing: procedure === 'AUDIT',
            nature: 'CREATION',
            eligible: true,
            eligibilityReasons: [],
            convention: 'ACI',
            hasOpinion: true,
          };
          for (const piece of checklist(status, facts).required) {
            for (const v of [procedure, status, kind, piece]) if (!ENUM_VALUE.test(v)) throw new Error(`not an enum identifier: ${v}`);
            rows.push(`('${procedure}','${status}',${letterOfIntentRequested},'${kind}','${piece}')`);
          }
        }
      }
    }
  }
  return rows.join(',');
}
