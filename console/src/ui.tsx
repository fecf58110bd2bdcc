// The console's shared pieces, in the DSFR's markup: alerts, tables, definition lists, form
// values, a download, a link that moves the hash route.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Answer, onSession, type Problem } from './api.js';
import { refusalWords } from './words.js';

/** A refusal of the API: what it means in French, then the API's own words (none when the page refused it before sending). */
export function Refusal({ problem, words }: { problem: Problem; words?: string }) {
  return (
    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
      <h2 class="fr-alert__title">{words ?? refusalWords(problem)}</h2>
      {problem.local ? (
        <p>Rien n’a été envoyé.</p>
      ) : (
        <p>
          Réponse du service ({problem.status}) : <span lang="en">{problem.detail}</span>
        </p>
      )}
    </div>
  );
}

/** What a part of a page did: the API's refusal, or what was done (the page then reads its data again). */
export type Settle = (problem: Problem | undefined, done?: string) => void;

/** What was just done, numbered: the same words said twice are two notices. */
export type Note = { text: string; n: number } | undefined;
let notes = 0;

/** A page's notice, and how to say one (nothing: none). */
export function useNotice(): [Note, (text?: string) => void] {
  const [note, setNote] = useState<Note>();
  return [note, (text) => setNote(text ? { text, n: ++notes } : undefined)];
}

/**
 * What was just done: a live region always on the page (so that what appears in it is
 * announced), the message new each time (keyed), and the focus moved to it (the button
 * pressed has often gone with its form).
 */
export function Notice({ note }: { note: Note }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (note) box.current?.focus();
  }, [note]);
  return (
    <div role="status">
      {note && (
        <div class="fr-alert fr-alert--success fr-mb-3w" tabIndex={-1} ref={box} key={note.n}>
          <p>{note.text}</p>
        </div>
      )}
    </div>
  );
}

/**
 * Loads `load` when `key` changes (the page shows it loading) and again on `reload` (the page
 * keeps what it shows until the new answer replaces it: its state and focus stay).
 */
export function useAnswer<T>(load: () => Promise<Answer<T>>, key: string): { answer: Answer<T> | undefined; reload: () => void } {
  const [answer, setAnswer] = useState<Answer<T>>();
  const [tick, setTick] = useState(0);
  const reload = () => setTick((t) => t + 1);
  const shown = useRef<string>();
  useEffect(() => {
    let live = true;
    if (shown.current !== key) setAnswer(undefined);
    shown.current = key;
    void load().then((a) => live && setAnswer(a));
    return () => {
      live = false;
    };
  }, [key, tick]);
  // Refused for want of a session (401): read again once one is back (signed in again).
  useEffect(() => (answer?.problem?.status === 401 ? onSession(reload) : undefined), [answer]);
  return { answer, reload };
}

export function Loaded<T>({ answer, children }: { answer: Answer<T> | undefined; children: (data: T) => ComponentChildren }) {
  if (!answer) return <p aria-busy="true">Chargement…</p>;
  if (answer.problem) return <Refusal problem={answer.problem} />;
  return <>{children(answer.data)}</>;
}

export interface Column<R> {
  label: string;
  cell: (row: R) => ComponentChildren;
  numeric?: boolean;
}

export function Table<R>({ caption, rows, columns, empty = 'Aucun élément.' }: { caption: string; rows: R[]; columns: Column<R>[]; empty?: string }) {
  return (
    <div class="fr-table fr-table--no-caption">
      <div class="fr-table__wrapper">
        <div class="fr-table__container">
          <div class="fr-table__content">
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th scope="col" class={c.numeric ? 'fr-cell--right' : undefined}>
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 ? (
                  <tr>
                    <td colSpan={columns.length}>{empty}</td>
                  </tr>
                ) : (
                  rows.map((r) => (
                    <tr>
                      {columns.map((c) => (
                        <td class={c.numeric ? 'fr-cell--right' : undefined}>{c.cell(r)}</td>
                      ))}
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}

/** A form field in the DSFR's markup: its group, and its label (and hint) tied to the control by `id`. */
export function Field({
  id,
  label,
  hint,
  kind = 'input',
  class: extra,
  children,
}: {
  id: string;
  label: ComponentChildren;
  hint?: string;
  kind?: 'input' | 'select' | 'upload';
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={`fr-${kind}-group${extra ? ` ${extra}` : ''}`}>
      <label class="fr-label" for={id}>
        {label}
        {hint && <span class="fr-hint-text">{hint}</span>}
      </label>
      {children}
    </div>
  );
}

/** Terms and their values, as a definition list. */
export function Definition({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="fr-mb-2w">
      {rows.map(([term, value]) => (
        <div class="fr-grid-row">
          <dt class="fr-col-12 fr-col-md-5 fr-text--bold">{term}</dt>
          <dd class="fr-col-12 fr-col-md-7 fr-m-0">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Saves bytes the API answered (a pièce, a report) as a file of the browser's downloads. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  Object.assign(document.createElement('a'), { href: url, download: filename }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A submitted form's fields, trimmed (a file field, which the console has none of, is empty). */
export function formValues(event: Event): Record<string, string> {
  const form = new FormData(event.currentTarget as HTMLFormElement);
  return Object.fromEntries([...form.entries()].map(([k, v]) => [k, typeof v === 'string' ? v.trim() : '']));
}

export const go = (hash: string) => {
  window.location.hash = hash;
};
