import { type Answer, api, call, type Schemas } from '../api.js';
import { Loaded, Table, useAnswer } from '../ui.js';
import { day, OPINION_WORDS } from '../words.js';

/** The CARPEC séances, and one séance's agenda with its opinions. */
export function Seances({ id }: { id?: string }) {
  const { answer } = useAnswer(async (): Promise<Answer<{ items: Schemas['SessionDto'][] }>> => {
    if (!id) return call(() => api.GET('/api/v1/carpec-sessions', { params: { query: { limit: 100 } } }));
    const one = await call(() => api.GET('/api/v1/carpec-sessions/{id}', { params: { path: { id } } }));
    return one.problem ? one : { data: { items: [one.data] } };
  }, id ?? 'list');
  return (
    <>
      <h1>Séances de la CARPEC</h1>
      <Loaded answer={answer}>
        {(list) =>
          id ? (
            list.items.map((s) => (
              <>
                <p>
                  <a href="#/seances">Toutes les séances</a>
                </p>
                <h2>
                  {s.title} — {day(s.sessionDate)}
                </h2>
                <Table
                  caption="Ordre du jour et avis"
                  rows={s.agenda}
                  empty="Ordre du jour vide."
                  columns={[
                    { label: 'Dossier', cell: (i) => <a href={`#/dossiers/${i.applicationId}`}>voir le dossier</a> },
                    { label: 'Pour', cell: (i) => (i.purpose === 'OPINION' ? 'avis' : 'information') },
                    { label: 'Avis', cell: (i) => (i.outcome ? OPINION_WORDS[i.outcome] : 'à rendre') },
                    { label: 'Réserves', cell: (i) => i.reservations ?? '—' },
                  ]}
                />
              </>
            ))
          ) : (
            <Table
              caption="Séances"
              rows={list.items}
              empty="Aucune séance."
              columns={[
                { label: 'Date', cell: (s) => day(s.sessionDate) },
                { label: 'Séance', cell: (s) => <a href={`#/seances/${s.id}`}>{s.title}</a> },
                { label: 'Dossiers à l’ordre du jour', cell: (s) => s.agenda.length, numeric: true },
              ]}
            />
          )
        }
      </Loaded>
    </>
  );
}
