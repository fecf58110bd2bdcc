// The report runs of one date (today in Paris unless asked: the API lists runs oldest first,
// so a date is how the latest are found), each downloaded as CSV or XLSX through the typed
// client; the director and the administrators can have a date's reports produced now.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, call, type Problem } from '../api.js';
import type { Me } from '../main.js';
import { download, Field, formValues, go, Loaded, Notice, Refusal, Table, useAnswer, useNotice } from '../ui.js';
import { day, today } from '../words.js';

const TYPES: Record<string, string> = { PIPELINE: 'Suivi des dossiers', FUNDING: 'Financements', DEADLINES: 'Échéances', FOLLOW_UP: 'Suivi des sites' };
const STATES: Record<string, string> = { QUEUED: 'en attente', RUNNING: 'en cours', SUCCEEDED: 'prêt', FAILED: 'en échec' };

export function Reports({ me, params }: { me: Me; params: URLSearchParams }) {
  const date = params.get('date') || today();
  const cursor = params.get('cursor') || undefined;
  const { answer, reload } = useAnswer(
    () => call(() => api.GET('/api/v1/reports/runs', { params: { query: { date, limit: 50, ...(cursor && { cursor }) } } })),
    params.toString() || date,
  );
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useNotice();
  const dateField = useRef<HTMLInputElement>(null);
  // Runs still queued or running are read again (every 2 s, 10 s in a hidden tab; a failed
  // read too) for ten minutes at most; their end is said when it comes.
  const watching = useRef<number>();
  const pending = answer?.data?.items.some((r) => r.status === 'QUEUED' || r.status === 'RUNNING');
  useEffect(() => {
    if (pending) watching.current ??= Date.now();
    else if (answer?.data && watching.current !== undefined) {
      watching.current = undefined;
      setNotice(`Rapports du ${day(date)} : tous terminés.`);
    }
    if (watching.current === undefined || Date.now() - watching.current > 10 * 60_000) return;
    const timer = setTimeout(reload, document.hidden ? 10_000 : 2000);
    return () => clearTimeout(timer);
  }, [answer]);
  const fetchRun = async (id: string, format: 'csv' | 'xlsx', name: string) => {
    const res = await call(() => api.GET('/api/v1/reports/runs/{id}/download', { params: { path: { id }, query: { format } }, parseAs: 'blob' }));
    setProblem(res.problem);
    if (res.problem) return;
    download(res.data, `${name}.${format}`);
  };
  /** The reports of the date in the field (shown then, and read again until they are done). */
  const produce = async () => {
    const asked = dateField.current?.value || date;
    const res = await call(() => api.POST('/api/v1/reports/runs', { body: { date: asked } }));
    setProblem(res.problem);
    setNotice(res.problem ? undefined : `Rapports du ${day(asked)} demandés : ils apparaissent ci-dessous dès qu’ils sont prêts.`);
    if (res.problem) return;
    if (asked === date) reload();
    else go(`#/rapports?date=${asked}`);
  };
  return (
    <>
      <h1>Rapports</h1>
      <p>Les rapports sont produits chaque nuit ; chaque exécution se télécharge en CSV ou en XLSX.</p>
      <Notice note={notice} />
      {problem && <Refusal problem={problem} />}
      <form
        key={date}
        aria-label="Choisir la date des rapports"
        class="fr-mb-3w"
        onSubmit={(e) => {
          e.preventDefault();
          go(`#/rapports?date=${formValues(e).date}`);
        }}
      >
        <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <div class="fr-col-12 fr-col-md-4">
            <Field id="report-date" label="Date des rapports">
              <input class="fr-input" id="report-date" name="date" type="date" defaultValue={date} required ref={dateField} />
            </Field>
          </div>
          <div class="fr-col-12 fr-col-md-8">
            <ul class="fr-btns-group fr-btns-group--inline">
              <li>
                <button class="fr-btn" type="submit">
                  Afficher
                </button>
              </li>
              {(me.role === 'ADMIN' || me.role === 'DIRECTOR') && (
                <li>
                  <button class="fr-btn fr-btn--secondary" type="button" onClick={() => void produce()}>
                    Produire les rapports de cette date
                  </button>
                </li>
              )}
            </ul>
          </div>
        </div>
      </form>
      <Loaded answer={answer}>
        {(list) => (
          <>
            <Table
              caption={`Rapports du ${day(date)}`}
              rows={list.items}
              empty="Aucun rapport produit pour cette date."
              columns={[
                { label: 'Rapport', cell: (r) => TYPES[r.type] ?? r.type },
                { label: 'Date', cell: (r) => day(r.date) },
                { label: 'État', cell: (r) => (r.status === 'FAILED' && r.error ? `${STATES.FAILED} — ${r.error}` : (STATES[r.status] ?? r.status)) },
                {
                  label: 'Télécharger',
                  cell: (r) =>
                    r.status === 'SUCCEEDED' ? (
                      <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                        {(['csv', 'xlsx'] as const).map((f) => (
                          <li>
                            <button type="button" class="fr-btn fr-btn--tertiary" onClick={() => void fetchRun(r.id, f, `${r.type}-${r.date}`)}>
                              {f.toUpperCase()}
                              <span class="fr-sr-only">
                                {' '}
                                — {TYPES[r.type]} du {day(r.date)}
                              </span>
                            </button>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      '—'
                    ),
                },
              ]}
            />
            {list.nextCursor && (
              <button type="button" class="fr-btn fr-btn--tertiary" onClick={() => go(`#/rapports?date=${date}&cursor=${encodeURIComponent(list.nextCursor!)}`)}>
                Rapports suivants
              </button>
            )}
          </>
        )}
      </Loaded>
    </>
  );
}
