import { useState } from 'preact/hooks';
import { api, call, type Problem } from '../api.js';
import { download, Loaded, Refusal, Table, useAnswer } from '../ui.js';
import { day } from '../words.js';

const TYPES: Record<string, string> = { PIPELINE: 'Suivi des dossiers', FUNDING: 'Financements', DEADLINES: 'Échéances', FOLLOW_UP: 'Suivi des sites' };
const STATES: Record<string, string> = { QUEUED: 'en attente', RUNNING: 'en cours', SUCCEEDED: 'prêt', FAILED: 'en échec' };

/** The report runs of the region, each downloaded as CSV or XLSX through the typed client. */
export function Reports() {
  const { answer } = useAnswer(() => call(() => api.GET('/api/v1/reports/runs', { params: { query: { limit: 100 } } })), 'runs');
  const [problem, setProblem] = useState<Problem>();
  const fetchRun = async (id: string, format: 'csv' | 'xlsx', name: string) => {
    const res = await call(() => api.GET('/api/v1/reports/runs/{id}/download', { params: { path: { id }, query: { format } }, parseAs: 'blob' }));
    setProblem(res.problem);
    if (res.problem) return;
    download(res.data, `${name}.${format}`);
  };
  return (
    <>
      <h1>Rapports</h1>
      <p>Les rapports sont produits chaque nuit ; chaque exécution se télécharge en CSV ou en XLSX.</p>
      {problem && <Refusal problem={problem} />}
      <Loaded answer={answer}>
        {(list) => (
          <Table
            caption="Exécutions des rapports"
            rows={list.items}
            empty="Aucun rapport produit."
            columns={[
              { label: 'Rapport', cell: (r) => TYPES[r.type] ?? r.type },
              { label: 'Date', cell: (r) => day(r.date) },
              { label: 'État', cell: (r) => STATES[r.status] ?? r.status },
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
        )}
      </Loaded>
    </>
  );
}
