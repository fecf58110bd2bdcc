import type { paths } from '../../../clients/typescript/src/index.js';
import { api, call, type Schemas } from '../api.js';
import type { Me } from '../main.js';
import { Field, formValues, go, Loaded, Table, useAnswer } from '../ui.js';
import { day, KIND_WORDS, STATUS_WORDS, ZONE_WORDS } from '../words.js';

type Query = NonNullable<paths['/api/v1/applications']['get']['parameters']['query']>;
type Status = Schemas['ApplicationDto']['status'];

/** The list's filters that are a choice: the API's query parameter and its values, in French. */
const CHOICES: { name: 'status' | 'step' | 'procedure' | 'kind' | 'zone'; label: string; options: Record<string, string>; width: string }[] = [
  { name: 'status', label: 'Statut', options: STATUS_WORDS, width: 'fr-col-md-3' },
  { name: 'step', label: 'Étape', options: { 1: 'Étape 1', 2: 'Étape 2', 3: 'Étape 3' }, width: 'fr-col-md-2' },
  { name: 'procedure', label: 'Procédure', options: { ACCOMPANIMENT: 'Accompagnement', AUDIT: 'Audit' }, width: 'fr-col-md-2' },
  { name: 'kind', label: 'Structure', options: KIND_WORDS, width: 'fr-col-md-3' },
  { name: 'zone', label: 'Zonage', options: ZONE_WORDS, width: 'fr-col-md-2' },
];
const FILTERS = ['q', 'departmentCode', 'mine', ...CHOICES.map((c) => c.name)];

/** The dossiers of the caller's territory, with the API's filters; keyset pages (the cursor in the URL). */
export function Dossiers({ me, params }: { me: Me; params: URLSearchParams }) {
  const query: Query = {
    status: (params.get('status') || undefined) as Status | undefined,
    step: params.get('step') ? (Number(params.get('step')) as 1 | 2 | 3) : undefined,
    procedure: (params.get('procedure') || undefined) as Query['procedure'],
    kind: (params.get('kind') || undefined) as Query['kind'],
    zone: (params.get('zone') || undefined) as Query['zone'],
    departmentCode: params.get('departmentCode') || undefined,
    q: params.get('q') || undefined,
    assignee: params.get('mine') ? 'me' : undefined,
    cursor: params.get('cursor') || undefined,
    limit: 25,
  };
  const { answer } = useAnswer(() => call(() => api.GET('/api/v1/applications', { params: { query } })), params.toString());
  const apply = (event: Event) => {
    event.preventDefault();
    const values = formValues(event);
    const next = new URLSearchParams();
    for (const key of FILTERS) if (values[key]) next.set(key, values[key]);
    go(`#/dossiers?${next.toString()}`);
  };
  const page = (cursor: string | null) => {
    const next = new URLSearchParams(params);
    if (cursor) next.set('cursor', cursor);
    else next.delete('cursor');
    go(`#/dossiers?${next.toString()}`);
  };
  return (
    <>
      <h1>Dossiers</h1>
      {/* Uncontrolled fields (what is typed survives the list arriving), set anew with each search. */}
      <form key={params.toString()} onSubmit={apply} aria-label="Filtrer les dossiers" class="fr-mb-3w">
        <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <div class="fr-col-12 fr-col-md-4">
            <div class="fr-search-bar" role="search">
              <label class="fr-label" for="q">
                Rechercher un projet
              </label>
              <input class="fr-input" id="q" name="q" type="search" placeholder="Nom du projet" defaultValue={query.q ?? ''} />
            </div>
          </div>
          {CHOICES.map((c) => (
            <div class={`fr-col-6 ${c.width}`}>
              <Field id={c.name} label={<>{c.label}</>} kind="select">
                <select class="fr-select" id={c.name} name={c.name}>
                  <option value="">Tous</option>
                  {Object.entries(c.options).map(([value, words]) => (
                    <option value={value} selected={value === params.get(c.name)}>
                      {words}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
          ))}
          {!me.departmentCode && (
            <div class="fr-col-6 fr-col-md-2">
              <Field id="departmentCode" label="Département">
                <input class="fr-input" id="departmentCode" name="departmentCode" inputMode="numeric" maxLength={3} defaultValue={query.departmentCode ?? ''} />
              </Field>
            </div>
          )}
          {me.role !== 'PARTNER' && (
            <div class="fr-col-6 fr-col-md-2">
              <div class="fr-checkbox-group">
                <input type="checkbox" id="mine" name="mine" value="1" defaultChecked={Boolean(params.get('mine'))} />
                <label class="fr-label" for="mine">
                  Mes dossiers
                </label>
              </div>
            </div>
          )}
          <div class="fr-col-12 fr-col-md-2">
            <button class="fr-btn" type="submit">
              Filtrer
            </button>
          </div>
        </div>
      </form>
      <Loaded answer={answer}>
        {(list) => (
          <>
            <Table
              caption="Dossiers de votre territoire"
              rows={list.items}
              empty="Aucun dossier ne répond à ces critères."
              columns={[
                { label: 'Projet', cell: (a) => <a href={`#/dossiers/${a.id}`}>{a.projectName}</a> },
                { label: 'Structure', cell: (a) => KIND_WORDS[a.kind] },
                { label: 'Dépt', cell: (a) => a.departmentCode },
                { label: 'Statut', cell: (a) => <span class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon">{STATUS_WORDS[a.status]}</span> },
                { label: 'Récépissé dû', cell: (a) => day(a.receiptDueOn) },
                { label: 'Dernier événement', cell: (a) => day(a.lastEventAt) },
              ]}
            />
            <nav class="fr-pagination" role="navigation" aria-label="Pages de dossiers">
              <ul class="fr-pagination__list">
                <li>
                  <button type="button" class="fr-pagination__link fr-pagination__link--first" disabled={!query.cursor} onClick={() => page(null)}>
                    Première page
                  </button>
                </li>
                <li>
                  <button
                    type="button"
                    class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
                    disabled={!list.nextCursor}
                    onClick={() => page(list.nextCursor)}
                  >
                    Page suivante
                  </button>
                </li>
              </ul>
            </nav>
          </>
        )}
      </Loaded>
    </>
  );
}
