import { useState } from 'preact/hooks';
import { type Answer, api, call, type Problem, type Schemas } from '../api.js';
import type { Me } from '../main.js';
import { Definition, Field, formValues, Loaded, Notice, Refusal, type Settle, useAnswer, useNotice } from '../ui.js';
import { Demarches } from './demarches.js';
import { FundingPlan } from './funding-plan.js';
import { Pieces } from './pieces.js';
import { allSessions } from './seances.js';
import { ACTION_WORDS, day, EVENT_WORDS, KIND_WORDS, moment, OPINION_WORDS, STATUS_WORDS, today, ZONE_WORDS } from '../words.js';

type Application = Schemas['ApplicationDto'];
type Field = { name: string; label: string; type: 'date' | 'text' | 'textarea' | 'select'; required?: boolean; options?: [string, string][] };

const DETR_WORDS: Record<string, string> = { ELIGIBLE: 'éligible', TO_CONFIRM: 'à confirmer par la préfecture de département', NOT_ELIGIBLE: 'non éligible' };
const REASON: Field[] = [{ name: 'reason', label: 'Motif', type: 'textarea', required: true }];
const OUTCOMES: [string, string][] = Object.entries(OPINION_WORDS);

/** The form of each move, and the call that sends it (the API's route for it). */
function formOf(
  action: string,
  sessions: [string, string][],
  awaiting: (purpose: 'OPINION' | 'INFORMATION') => [string, string][],
): { fields: Field[]; send: (id: string, v: Record<string, string>) => Promise<Answer<unknown>> } | undefined {
  const path = { path: { id: '' } };
  const p = (id: string) => ({ params: { ...path, path: { id } } });
  switch (action) {
    case 'RECORD_SITE_MEETING':
      return {
        fields: [
          { name: 'heldOn', label: 'Date de la rencontre', type: 'date', required: true },
          { name: 'participants', label: 'Participants', type: 'text', required: true },
          { name: 'findings', label: 'Constats', type: 'textarea', required: true },
        ],
        send: (id, v) =>
          call(() => api.POST('/api/v1/applications/{id}/site-meeting', { ...p(id), body: { heldOn: v.heldOn, participants: v.participants, findings: v.findings } })),
      };
    case 'SUBMIT':
      return {
        fields: [{ name: 'receivedOn', label: 'Demande reçue le', type: 'date' }],
        send: (id, v) => call(() => api.POST('/api/v1/applications/{id}/submit', { ...p(id), body: v.receivedOn ? { receivedOn: v.receivedOn } : {} })),
      };
    case 'SCHEDULE_OPINION':
    case 'SCHEDULE_INFORMATION':
      return {
        fields: [{ name: 'sessionId', label: 'Séance de la CARPEC', type: 'select', required: true, options: sessions }],
        send: (id, v) =>
          call(() =>
            api.POST('/api/v1/carpec-sessions/{id}/agenda', {
              params: { path: { id: v.sessionId } },
              body: { applicationId: id, purpose: action === 'SCHEDULE_OPINION' ? 'OPINION' : 'INFORMATION' },
            }),
          ),
      };
    case 'RECORD_OPINION':
    case 'NOTE_INFORMATION':
      return {
        fields: [
          { name: 'sessionId', label: 'Séance de la CARPEC', type: 'select', required: true, options: awaiting(action === 'NOTE_INFORMATION' ? 'INFORMATION' : 'OPINION') },
          {
            name: 'outcome',
            label: 'Avis',
            type: 'select',
            required: true,
            options: action === 'NOTE_INFORMATION' ? [['NOTED', 'pris acte']] : OUTCOMES.filter(([k]) => k !== 'NOTED'),
          },
          { name: 'reservations', label: 'Réserves', type: 'textarea' },
        ],
        send: (id, v) =>
          call(() =>
            api.POST('/api/v1/carpec-sessions/{id}/opinions', {
              params: { path: { id: v.sessionId } },
              body: { applicationId: id, outcome: v.outcome as Schemas['OpinionDto']['outcome'], ...(v.reservations && { reservations: v.reservations }) },
            }),
          ),
      };
    case 'APPROVE':
    case 'REJECT':
      return {
        fields: [
          { name: 'decidedOn', label: 'Décidé le', type: 'date', required: true },
          { name: 'motivation', label: 'Motivation', type: 'textarea', required: action === 'REJECT' },
        ],
        send: (id, v) =>
          call(() =>
            api.POST('/api/v1/applications/{id}/decision', {
              ...p(id),
              body: { outcome: action === 'APPROVE' ? 'APPROVED' : 'REJECTED', decidedOn: v.decidedOn, ...(v.motivation && { motivation: v.motivation }) },
            }),
          ),
      };
    case 'RECEIVE_DELIVERABLES':
      return {
        fields: [{ name: 'receivedOn', label: 'Livrables reçus le', type: 'date', required: true }],
        send: (id, v) => call(() => api.POST('/api/v1/applications/{id}/deliverables', { ...p(id), body: { receivedOn: v.receivedOn } })),
      };
    case 'ISSUE_RECEIPT':
      return {
        fields: [
          { name: 'issuedOn', label: 'Délivré le', type: 'date', required: true },
          { name: 'finessEj', label: 'N° FINESS entité juridique', type: 'text', required: true },
          { name: 'finessEt', label: 'N° FINESS établissement', type: 'text', required: true },
        ],
        send: (id, v) => call(() => api.POST('/api/v1/applications/{id}/receipt', { ...p(id), body: { issuedOn: v.issuedOn, finessEj: v.finessEj, finessEt: v.finessEt } })),
      };
    case 'COMPLETE':
      return {
        fields: [{ name: 'summary', label: 'Bilan', type: 'textarea', required: true }],
        send: (id, v) => call(() => api.POST('/api/v1/applications/{id}/complete', { ...p(id), body: { summary: v.summary } })),
      };
    case 'DELIVER_AUDIT_PLAN':
      return {
        fields: [
          { name: 'deliveredOn', label: 'Remis le', type: 'date', required: true },
          { name: 'summary', label: 'Résumé du plan', type: 'textarea', required: true },
        ],
        send: (id, v) => call(() => api.POST('/api/v1/applications/{id}/audit-plan', { ...p(id), body: { deliveredOn: v.deliveredOn, summary: v.summary } })),
      };
    case 'WITHDRAW':
      return { fields: REASON, send: (id, v) => call(() => api.POST('/api/v1/applications/{id}/withdraw', { ...p(id), body: { reason: v.reason } })) };
    case 'CLOSE':
      return { fields: REASON, send: (id, v) => call(() => api.POST('/api/v1/applications/{id}/close', { ...p(id), body: { reason: v.reason } })) };
    default:
      return undefined;
  }
}

function ActionForm({ action, fields, onSend }: { action: string; fields: Field[]; onSend: (values: Record<string, string>) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const values = formValues(event);
    setBusy(true);
    await onSend(values);
    setBusy(false);
  };
  const id = (name: string) => `${action}-${name}`;
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={ACTION_WORDS[action] ?? action} class="fr-mb-3w">
      <fieldset class="fr-fieldset">
        <legend class="fr-fieldset__legend">{ACTION_WORDS[action] ?? action}</legend>
        {fields.map((f) => (
          <div class="fr-fieldset__element">
            <Field id={id(f.name)} label={`${f.label}${f.required ? '' : ' (facultatif)'}`} kind={f.type === 'select' ? 'select' : 'input'}>
              {f.type === 'select' ? (
                <select class="fr-select" id={id(f.name)} name={f.name} required={f.required}>
                  {(f.options ?? []).map(([value, label]) => (
                    <option value={value}>{label}</option>
                  ))}
                </select>
              ) : f.type === 'textarea' ? (
                <textarea class="fr-input" id={id(f.name)} name={f.name} required={f.required} />
              ) : (
                <input class="fr-input" id={id(f.name)} name={f.name} type={f.type} required={f.required} defaultValue={f.type === 'date' && f.required ? today() : undefined} />
              )}
            </Field>
          </div>
        ))}
        <div class="fr-fieldset__element">
          <button class="fr-btn" type="submit" disabled={busy}>
            {ACTION_WORDS[action] ?? action}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function Context({ app, me, onDone }: { app: Application; me: Me; onDone: Settle }) {
  const { answer } = useAnswer(async () => {
    const project = await call(() => api.GET('/api/v1/projects/{id}', { params: { path: { id: app.projectId } } }));
    if (project.problem) return project;
    const [promoter, commune, detr] = await Promise.all([
      call(() => api.GET('/api/v1/promoters/{id}', { params: { path: { id: project.data.promoterId } } })),
      call(() => api.GET('/api/v1/communes/{inseeCode}', { params: { path: { inseeCode: project.data.communeInsee } } })),
      call(() => api.GET('/api/v1/applications/{id}/detr-confirmation', { params: { path: { id: app.id } } })),
    ]);
    return { data: { project: project.data, promoter: promoter.data, commune: commune.data, detr: detr.data } };
  }, `${app.id}-${app.version}`);
  return (
    <Loaded answer={answer}>
      {({ project, promoter, commune, detr }) => (
        <div class="fr-grid-row fr-grid-row--gutters">
          <section class="fr-col-12 fr-col-md-6" aria-labelledby="projet">
            <h2 id="projet">Projet</h2>
            <Definition
              rows={[
                ['Structure', KIND_WORDS[project.kind]],
                ['Porteur', promoter ? `${promoter.name}${promoter.siren ? ` (SIREN ${promoter.siren})` : ''}` : '—'],
                ['Médecins prévus', project.doctorsPlanned],
                ['Professionnels prévus', project.professionalsPlanned],
                ['Population desservie', project.populationServed],
                ['Budget équilibré', project.balancedBudget ? 'oui' : 'non'],
              ]}
            />
          </section>
          <section class="fr-col-12 fr-col-md-6" aria-labelledby="commune">
            <h2 id="commune">Commune</h2>
            {commune ? (
              <Definition
                rows={[
                  ['Commune', `${commune.name} (${commune.inseeCode})`],
                  ['Zonage', ZONE_WORDS[commune.zone]],
                  ['Quartier prioritaire, île, rural', [commune.qpv && 'QPV', commune.island && 'île', commune.rural && 'rurale'].filter(Boolean).join(', ') || 'non'],
                  ['Éligible', app.eligible ? 'oui' : `non — ${app.eligibilityReasons.join(' ; ')}`],
                  ['Éligibilité du porteur à la DETR', detr ? `${DETR_WORDS[detr.status] ?? detr.status} — ${detr.reason}` : '—'],
                  [
                    'Confirmation DETR de la préfecture',
                    app.detrConfirmation ? `${app.detrConfirmation.decision === 'CONFIRMED' ? 'confirmée' : 'refusée'} — ${app.detrConfirmation.reason}` : '—',
                  ],
                ]}
              />
            ) : (
              <p>—</p>
            )}
            {detr?.status === 'TO_CONFIRM' && !app.detrConfirmation && me.organizationType === 'PREFECTURE_DEPARTEMENT' && me.funders.includes('DETR') && (
              <DetrConfirmation app={app} onDone={onDone} />
            )}
          </section>
        </div>
      )}
    </Loaded>
  );
}

/** Who instructs the dossier, and, for the ARS's instructors, taking it or letting it go (the version read, in If-Match). */
function Assignee({ app, me, onDone }: { app: Application; me: Me; onDone: Settle }) {
  const mine = app.assigneeId === me.id;
  const assign = async (assigneeId: string | null) => {
    const res = await call(() => api.PATCH('/api/v1/applications/{id}', { params: { path: { id: app.id }, header: { 'If-Match': `"${app.version}"` } }, body: { assigneeId } }));
    onDone(res.problem, assigneeId ? 'Dossier confié à vous.' : 'Vous ne suivez plus ce dossier.');
  };
  return (
    <p>
      Suivi par : {mine ? 'vous' : app.assigneeId ? 'un autre instructeur' : 'personne'}
      {(me.role === 'INSTRUCTOR' || me.role === 'DIRECTOR') && (
        <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary fr-ml-2w" onClick={() => void assign(mine ? null : me.id)}>
          {mine ? 'Ne plus suivre ce dossier' : 'Me confier ce dossier'}
        </button>
      )}
    </p>
  );
}

/** The préfecture de département's word on a DETR eligibility to confirm. */
function DetrConfirmation({ app, onDone }: { app: Application; onDone: Settle }) {
  const submit = async (values: Record<string, string>) => {
    const res = await call(() =>
      api.POST('/api/v1/applications/{id}/detr-confirmation', {
        params: { path: { id: app.id } },
        body: { decision: values.decision as Schemas['DetrConfirmationDto']['decision'], reason: values.reason },
      }),
    );
    onDone(res.problem, 'Décision DETR enregistrée.');
  };
  return (
    <form aria-label="Éligibilité DETR" onSubmit={(e) => (e.preventDefault(), void submit(formValues(e)))}>
      <fieldset class="fr-fieldset">
        <legend class="fr-fieldset__legend">Éligibilité à la DETR à confirmer par la préfecture</legend>
        <div class="fr-fieldset__element">
          <Field id="detr-decision" label="Décision" kind="select">
            <select class="fr-select" id="detr-decision" name="decision">
              <option value="CONFIRMED">Éligibilité confirmée</option>
              <option value="REFUSED">Éligibilité refusée</option>
            </select>
          </Field>
        </div>
        <div class="fr-fieldset__element">
          <Field id="detr-reason" label="Motif">
            <textarea class="fr-input" id="detr-reason" name="reason" required />
          </Field>
        </div>
        <div class="fr-fieldset__element">
          <button class="fr-btn fr-btn--secondary" type="submit">
            Enregistrer la décision DETR
          </button>
        </div>
      </fieldset>
    </form>
  );
}

export function Dossier({ id, me }: { id: string; me: Me }) {
  const { answer, reload } = useAnswer(async () => {
    const [app, events, documents, sessions] = await Promise.all([
      call(() => api.GET('/api/v1/applications/{id}', { params: { path: { id } } })),
      call(() => api.GET('/api/v1/applications/{id}/events', { params: { path: { id }, query: { limit: 200 } } })),
      call(() => api.GET('/api/v1/applications/{id}/documents', { params: { path: { id } } })),
      allSessions(),
    ]);
    if (app.problem) return app;
    return { data: { app: app.data, events: events.data?.items ?? [], documents: documents.data?.items ?? [], sessions: sessions.data?.items ?? [] } };
  }, id);
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useNotice();
  const [open, setOpen] = useState<string>();
  /** What a part of the page said: its refusal, or what it did (then, unless it reads its own data again, the dossier is read again). */
  const say: Settle = (refused, done) => {
    setProblem(refused);
    setNotice(refused ? undefined : done);
  };
  const settle: Settle = (refused, done) => {
    say(refused, done);
    // Done, or refused because the dossier changed meanwhile (409, 412): read it again.
    if (!refused || refused.status === 409 || refused.status === 412) reload();
  };
  return (
    <Loaded answer={answer}>
      {({ app, events, documents, sessions }) => {
        // The latest séances first: the next one is the one a dossier is put on.
        const latest = [...sessions].sort((a, b) => b.sessionDate.localeCompare(a.sessionDate));
        const option = (s: (typeof sessions)[number]): [string, string] => [s.id, `${day(s.sessionDate)} — ${s.title}`];
        const sessionOptions = latest.map(option);
        // The séances held where this dossier awaits an avis (or to be noted): the only ones it can be recorded for.
        const awaiting = (purpose: 'OPINION' | 'INFORMATION') =>
          latest.filter((s) => s.sessionDate <= today() && s.agenda.some((i) => i.applicationId === app.id && i.purpose === purpose && !i.outcome)).map(option);
        const send = async (action: string, values: Record<string, string>) => {
          const res = await formOf(action, sessionOptions, awaiting)!.send(app.id, values);
          if (!res.problem) setOpen(undefined);
          settle(res.problem, `${ACTION_WORDS[action] ?? action} : fait.`);
        };
        const actions = app.allowedActions.filter((a) => formOf(a, sessionOptions, awaiting));
        const opinions = sessions.flatMap((session) => session.agenda.filter((i) => i.applicationId === app.id).map((i) => ({ ...i, session })));
        return (
          <>
            <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
              <ol class="fr-breadcrumb__list">
                <li>
                  <a class="fr-breadcrumb__link" href="#/dossiers">
                    Dossiers
                  </a>
                </li>
                <li>
                  <a class="fr-breadcrumb__link" aria-current="page">
                    {app.projectName}
                  </a>
                </li>
              </ol>
            </nav>
            <h1>{app.projectName}</h1>
            <p>
              <span class="fr-badge fr-badge--info fr-badge--no-icon fr-mr-1w">{STATUS_WORDS[app.status]}</span>
              {app.step ? `Étape ${app.step}` : app.procedure === 'AUDIT' ? 'Audit' : ''} — département {app.departmentCode} — {ZONE_WORDS[app.zone]}
            </p>
            <Assignee app={app} me={me} onDone={settle} />
            <Notice note={notice} />
            {problem && <Refusal problem={problem} />}
            <section aria-labelledby="actions" class="fr-mb-4w">
              <h2 id="actions">Actions possibles</h2>
              {actions.length === 0 ? (
                <p>Aucune action ne vous est ouverte sur ce dossier dans son état actuel.</p>
              ) : (
                <ul class="fr-btns-group fr-btns-group--inline">
                  {actions.map((a) => (
                    <li>
                      <button
                        type="button"
                        class={`fr-btn ${open === a ? '' : 'fr-btn--secondary'}`}
                        aria-expanded={open === a}
                        onClick={() => setOpen(open === a ? undefined : a)}
                      >
                        {ACTION_WORDS[a] ?? a}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {open && <ActionForm action={open} fields={formOf(open, sessionOptions, awaiting)!.fields} onSend={(v) => send(open, v)} />}
            </section>
            <Context app={app} me={me} onDone={settle} />
            <section aria-labelledby="pieces" class="fr-mt-4w">
              <h2 id="pieces">Pièces</h2>
              <Pieces app={app} me={me} pieces={documents} onDone={settle} />
            </section>
            <Demarches app={app} me={me} onDone={settle} />
            <section aria-labelledby="decision" class="fr-mt-4w">
              <h2 id="decision">Avis, décision et récépissé</h2>
              <Definition
                rows={[
                  [
                    'Avis de la CARPEC',
                    opinions.length
                      ? opinions
                          .map(
                            (o) =>
                              `${day(o.session.sessionDate)} (${o.session.title}) : ${o.outcome ? OPINION_WORDS[o.outcome] : 'à rendre'}${o.reservations ? ` — ${o.reservations}` : ''}`,
                          )
                          .join(' ; ')
                      : '—',
                  ],
                  ['Décision du directeur général', app.decision ? `${app.decision.outcome === 'APPROVED' ? 'accord' : 'refus'} le ${day(app.decision.decidedOn)}` : '—'],
                  [
                    'Récépissé',
                    app.receipt
                      ? `délivré le ${day(app.receipt.issuedOn)} (FINESS ${app.receipt.finessEj} / ${app.receipt.finessEt})`
                      : app.receiptDueOn
                        ? `dû au plus tard le ${day(app.receiptDueOn)}`
                        : '—',
                  ],
                ]}
              />
            </section>
            <section aria-labelledby="financement" class="fr-mt-4w">
              <h2 id="financement">Plan de financement</h2>
              <FundingPlan app={app} me={me} onDone={say} />
            </section>
            <section aria-labelledby="chronologie" class="fr-mt-4w">
              <h2 id="chronologie">Chronologie</h2>
              <ol class="fr-mb-0">
                {events.map((e) => (
                  <li>
                    <strong>{moment(e.at)}</strong> — {EVENT_WORDS[e.type] ?? (e.toStatus ? `${STATUS_WORDS[e.toStatus]}` : e.type)}
                    {e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus ? ` (${STATUS_WORDS[e.fromStatus]} → ${STATUS_WORDS[e.toStatus]})` : ''}
                    {e.reason ? ` — ${e.reason}` : ''}
                  </li>
                ))}
              </ol>
            </section>
          </>
        );
      }}
    </Loaded>
  );
}
