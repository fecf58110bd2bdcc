// The CARPEC séances: the list, a new séance (the ARS), and one séance's agenda with its
// opinions, each recorded here after the séance, and its pack (agenda, summaries, pièces) as a ZIP.
import { useState } from 'preact/hooks';
import { type Answer, api, call, type Problem, type Schemas } from '../api.js';
import type { Me } from '../main.js';
import { download, Field, formValues, go, Loaded, Notice, Refusal, type Settle, Table, useAnswer, useNotice } from '../ui.js';
import { day, OPINION_WORDS, today } from '../words.js';

type Session = Schemas['SessionDto'];
type Item = Session['agenda'][number];

/** Every séance of the caller's region, page after page (a few a year: the oldest first, as the API lists them). */
export async function allSessions(): Promise<Answer<{ items: Session[] }>> {
  const items: Session[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(() => api.GET('/api/v1/carpec-sessions', { params: { query: { limit: 100, ...(cursor && { cursor }) } } }));
    if (page.problem) return page;
    items.push(...page.data.items);
    cursor = page.data.nextCursor ?? undefined;
  } while (cursor);
  return { data: { items } };
}

/** The avis of an item still open: an opinion, or "noted" for an item listed for information. */
function OpinionForm({ session, item, onDone }: { session: Session; item: Item; onDone: Settle }) {
  const id = (name: string) => `${item.id}-${name}`;
  const outcomes = Object.entries(OPINION_WORDS).filter(([k]) => (item.purpose === 'INFORMATION' ? k === 'NOTED' : k !== 'NOTED'));
  const submit = async (values: Record<string, string>) => {
    const res = await call(() =>
      api.POST('/api/v1/carpec-sessions/{id}/opinions', {
        params: { path: { id: session.id } },
        body: { applicationId: item.applicationId, outcome: values.outcome as Schemas['OpinionDto']['outcome'], ...(values.reservations && { reservations: values.reservations }) },
      }),
    );
    onDone(res.problem, `Avis enregistré pour ${item.projectName}.`);
  };
  return (
    <form aria-label={`Avis sur ${item.projectName}`} onSubmit={(e) => (e.preventDefault(), void submit(formValues(e)))}>
      <Field id={id('outcome')} label="Avis" kind="select" class="fr-mb-1w">
        <select class="fr-select" id={id('outcome')} name="outcome">
          {outcomes.map(([value, words]) => (
            <option value={value}>{words}</option>
          ))}
        </select>
      </Field>
      <Field id={id('reservations')} label="Réserves (facultatif)" class="fr-mb-1w">
        <textarea class="fr-input" id={id('reservations')} name="reservations" />
      </Field>
      <button class="fr-btn fr-btn--sm" type="submit">
        Enregistrer l’avis<span class="fr-sr-only"> sur {item.projectName}</span>
      </button>
    </form>
  );
}

/** A séance; what is done on it is said by the page above it (it stays while the séance reloads). */
function OneSession({ session, me, onDone }: { session: Session; me: Me; onDone: Settle }) {
  const records = me.role === 'INSTRUCTOR' || me.role === 'DIRECTOR';
  const held = session.sessionDate <= today();
  const pack = async () => {
    const res = await call(() => api.GET('/api/v1/carpec-sessions/{id}/pack', { params: { path: { id: session.id } }, parseAs: 'blob' }));
    onDone(res.problem);
    if (!res.problem) download(res.data, `seance-carpec-${session.sessionDate}.zip`);
  };
  return (
    <>
      <p>
        <a href="#/seances">Toutes les séances</a>
      </p>
      <h2>
        {session.title} — {day(session.sessionDate)}
      </h2>
      <button type="button" class="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left fr-mb-3w" onClick={() => void pack()}>
        Télécharger le dossier de séance (ZIP)
      </button>
      <Table
        caption="Ordre du jour et avis"
        rows={session.agenda}
        empty="Ordre du jour vide : un dossier s’y inscrit depuis sa page (Actions possibles)."
        columns={[
          { label: 'Dossier', cell: (i) => <a href={`#/dossiers/${i.applicationId}`}>{i.projectName}</a> },
          { label: 'Dépt', cell: (i) => i.departmentCode },
          { label: 'Pour', cell: (i) => (i.purpose === 'OPINION' ? 'avis' : 'information') },
          {
            label: 'Avis',
            cell: (i) =>
              i.outcome ? (
                `${OPINION_WORDS[i.outcome]}${i.reservations ? ` — ${i.reservations}` : ''}`
              ) : records && held ? (
                <OpinionForm session={session} item={i} onDone={onDone} />
              ) : (
                'à rendre'
              ),
          },
        ]}
      />
    </>
  );
}

function NewSession({ onCreated }: { onCreated: (problem: Problem | undefined, id?: string) => void }) {
  const submit = async (values: Record<string, string>) => {
    const res = await call(() => api.POST('/api/v1/carpec-sessions', { body: { sessionDate: values.sessionDate, title: values.title } }));
    onCreated(res.problem, res.data?.id);
  };
  return (
    <form aria-label="Nouvelle séance" onSubmit={(e) => (e.preventDefault(), void submit(formValues(e)))} class="fr-mb-4w">
      <fieldset class="fr-fieldset">
        <legend class="fr-fieldset__legend">Nouvelle séance</legend>
        <div class="fr-fieldset__element fr-fieldset__element--inline">
          <Field id="session-date" label="Date de la séance">
            <input class="fr-input" id="session-date" name="sessionDate" type="date" required />
          </Field>
        </div>
        <div class="fr-fieldset__element">
          <Field id="session-title" label="Intitulé">
            <input class="fr-input" id="session-title" name="title" required maxLength={200} />
          </Field>
        </div>
        <div class="fr-fieldset__element">
          <button class="fr-btn fr-btn--secondary" type="submit">
            Créer la séance
          </button>
        </div>
      </fieldset>
    </form>
  );
}

export function Seances({ id, me }: { id?: string; me: Me }) {
  const { answer, reload } = useAnswer(async (): Promise<Answer<{ items: Session[] }>> => {
    if (!id) return allSessions();
    const one = await call(() => api.GET('/api/v1/carpec-sessions/{id}', { params: { path: { id } } }));
    return one.problem ? one : { data: { items: [one.data] } };
  }, id ?? 'list');
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useNotice();
  return (
    <>
      <h1>Séances de la CARPEC</h1>
      <Notice note={notice} />
      {problem && <Refusal problem={problem} />}
      <Loaded answer={answer}>
        {(list) =>
          id ? (
            list.items.map((s) => (
              <OneSession
                session={s}
                me={me}
                onDone={(refused, done) => {
                  setProblem(refused);
                  setNotice(refused ? undefined : done);
                  if (!refused && done) reload();
                }}
              />
            ))
          ) : (
            <>
              {(me.role === 'INSTRUCTOR' || me.role === 'DIRECTOR') && (
                <NewSession
                  onCreated={(refused, created) => {
                    setProblem(refused);
                    if (created) go(`#/seances/${created}`);
                  }}
                />
              )}
              <Table
                caption="Séances"
                rows={[...list.items].sort((a, b) => b.sessionDate.localeCompare(a.sessionDate))}
                empty="Aucune séance."
                columns={[
                  { label: 'Date', cell: (s) => day(s.sessionDate) },
                  { label: 'Séance', cell: (s) => <a href={`#/seances/${s.id}`}>{s.title}</a> },
                  { label: 'Dossiers à l’ordre du jour', cell: (s) => s.agenda.length, numeric: true },
                  { label: 'Avis à rendre', cell: (s) => s.agenda.filter((i) => !i.outcome).length, numeric: true },
                ]}
              />
            </>
          )
        }
      </Loaded>
    </>
  );
}
