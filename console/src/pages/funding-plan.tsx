// A dossier's funding plan: its expenses (edited by the ARS until the plan is committed), the
// split computed by the API with each line's "why this amount", the director's commitment of
// the plan, then each funder's commitment and payments on its own line.
import { useEffect, useState } from 'preact/hooks';
import { type Answer, api, call, type Problem, type Schemas } from '../api.js';
import type { Me } from '../main.js';
import { Definition, Field, formValues, Loaded, Refusal, type Settle, Table, useAnswer } from '../ui.js';
import { CATEGORY_WORDS, euros, FUNDER_WORDS, NATURE_WORDS, percent, today } from '../words.js';

type Application = Schemas['ApplicationDto'];
type Expense = Schemas['ExpenseDto'];
type Line = Schemas['PlanLineDto'];

const PLAN_WORDS: Record<string, string> = { COMPUTED: 'calculé (non engagé)', COMMITTED: 'engagé', RELEASED: 'libéré' };
const BOUND_WORDS: Record<string, string> = { CAP: 'le plafond du financeur', PUBLIC_CEILING: 'le plafond des aides publiques', INELIGIBLE: "l'éligibilité" };
/** The rule each reason of the calculator starts with (`capCents: …`), in French; the API's words follow it. */
const RULE_WORDS: Record<string, string> = {
  defaultRateBps: 'Taux par défaut',
  requestedRate: 'Taux demandé',
  capCents: 'Plafond du financeur',
  capCentsExisting: 'Plafond du financeur (extension d’un centre existant)',
  publicCeilingBps: 'Plafond des aides publiques',
  baseCapCents: 'Plafond de l’assiette',
  excludedNatures: 'Dépenses exclues',
  territoriesByCategory: 'Territoires par catégorie',
  territories: 'Territoires',
  departmentCodes: 'Départements',
  promoterTypes: 'Type de porteur',
  kinds: 'Type de structure',
  natures: 'Nature du projet',
  minDoctors: 'Nombre de médecins',
  requiresBalancedBudget: 'Budget équilibré',
  requiresRural: 'Éligibilité DETR',
  sisa: 'SISA',
  conditions: 'Conditions à attester',
  startUpAid: 'Aide au démarrage',
  forecastDeficit: 'Déficit prévisionnel',
};

/** A reason of the calculator: its rule in French, then its words as the API gives them. */
function Reason({ text }: { text: string }) {
  const [, rule, rest] = /^([A-Za-z]+): (.*)$/s.exec(text) ?? [];
  return RULE_WORDS[rule] ? (
    <>
      {RULE_WORDS[rule]} : <span lang="en">{rest}</span>
    </>
  ) : (
    <span lang="en">{text}</span>
  );
}

const PAYMENT_KINDS: [string, string][] = [
  ['ADVANCE', 'Avance'],
  ['INSTALMENT', 'Acompte'],
  ['BALANCE', 'Solde'],
];

/** Euros as typed ("12 000,50") to integer cents, without floating point; null when it is not an amount. */
export function centsOf(text: string): number | null {
  const m = /^(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(text.replace(/[\s\u00a0\u202f€]/g, ''));
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0') || '0') : null;
}

/** What the console answers, in the API's shape, when an amount typed is not one (nothing is sent). */
function notAnAmount(field: string, text: string): Problem {
  return {
    type: 'about:blank',
    title: 'Montant',
    status: 400,
    detail: `« ${text} » n’est pas un montant en euros.`,
    errors: [{ field, message: 'en euros, au plus deux décimales' }],
    local: true,
  } as Problem;
}

/** The cents as the form shows them again ("12000,50"). */
const typed = (cents: number | null | undefined) => (cents == null ? '' : `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`);

/** The expenses as one form: a fieldset per expense, added or removed before they are all sent (PUT). */
function ExpensesForm({ items, onSend, onCancel }: { items: Expense[]; onSend: (expenses: Expense[] | Problem) => Promise<void>; onCancel: () => void }) {
  const [rows, setRows] = useState<{ key: number; e?: Expense }[]>(() => items.map((e, key) => ({ key, e })));
  const [next, setNext] = useState(items.length);
  // Where the focus goes once the rows change: a new row's first field, or, when the row with
  // the button pressed is gone, the button that adds one.
  const [focus, setFocus] = useState<string>();
  useEffect(() => {
    if (focus) document.getElementById(focus)?.focus();
  }, [rows]);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const all = (name: string) => form.getAll(name).map((v) => (typeof v === 'string' ? v.trim() : ''));
    const [category, nature, label, amount, vat] = ['category', 'nature', 'label', 'amount', 'vat'].map(all);
    const expenses: Expense[] = [];
    for (let i = 0; i < rows.length; i++) {
      const amountCents = centsOf(amount[i]);
      if (amountCents === null) return onSend(notAnAmount(`dépense ${i + 1}, montant HT`, amount[i]));
      const vatCents = vat[i] === '' ? 0 : centsOf(vat[i]);
      if (vatCents === null) return onSend(notAnAmount(`dépense ${i + 1}, TVA`, vat[i]));
      expenses.push({ category: category[i] as Expense['category'], nature: nature[i] as Expense['nature'], label: label[i], amountCents, vatCents });
    }
    await onSend(expenses);
  };
  return (
    <form aria-label="Dépenses du projet" onSubmit={(e) => void submit(e)} class="fr-mb-3w">
      {rows.map(({ key, e }, i) => {
        const id = (name: string) => `expense-${key}-${name}`;
        return (
          <fieldset class="fr-fieldset" key={key}>
            <legend class="fr-fieldset__legend">Dépense {i + 1}</legend>
            <div class="fr-fieldset__element fr-fieldset__element--inline">
              <Field id={id('category')} label="Catégorie" kind="select">
                <select class="fr-select" id={id('category')} name="category">
                  {Object.entries(CATEGORY_WORDS).map(([value, words]) => (
                    <option value={value} selected={value === e?.category}>
                      {words}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            <div class="fr-fieldset__element fr-fieldset__element--inline">
              <Field id={id('nature')} label="Nature" kind="select">
                <select class="fr-select" id={id('nature')} name="nature">
                  {Object.entries(NATURE_WORDS).map(([value, words]) => (
                    <option value={value} selected={value === (e?.nature ?? 'OTHER')}>
                      {words}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            <div class="fr-fieldset__element">
              <Field id={id('label')} label="Libellé">
                <input class="fr-input" id={id('label')} name="label" defaultValue={e?.label} required />
              </Field>
            </div>
            <div class="fr-fieldset__element fr-fieldset__element--inline">
              <Field id={id('amount')} label="Montant HT (euros)">
                <input class="fr-input" id={id('amount')} name="amount" inputMode="decimal" defaultValue={typed(e?.amountCents)} required />
              </Field>
            </div>
            <div class="fr-fieldset__element fr-fieldset__element--inline">
              <Field id={id('vat')} label="TVA (euros, facultatif)">
                <input class="fr-input" id={id('vat')} name="vat" inputMode="decimal" defaultValue={e?.vatCents ? typed(e.vatCents) : ''} />
              </Field>
            </div>
            <div class="fr-fieldset__element">
              <button
                type="button"
                class="fr-btn fr-btn--sm fr-btn--tertiary"
                onClick={() => {
                  setFocus('expense-add');
                  setRows(rows.filter((r) => r.key !== key));
                }}
              >
                Retirer la dépense {i + 1}
              </button>
            </div>
          </fieldset>
        );
      })}
      <ul class="fr-btns-group fr-btns-group--inline">
        <li>
          <button
            type="button"
            id="expense-add"
            class="fr-btn fr-btn--secondary"
            onClick={() => {
              setFocus(`expense-${next}-category`);
              setRows([...rows, { key: next }]);
              setNext(next + 1);
            }}
          >
            Ajouter une dépense
          </button>
        </li>
        <li>
          <button type="submit" class="fr-btn">
            Enregistrer les dépenses
          </button>
        </li>
        <li>
          <button type="button" class="fr-btn fr-btn--tertiary" onClick={onCancel}>
            Annuler
          </button>
        </li>
      </ul>
    </form>
  );
}

/** A funder's commitment and payments on a committed plan, by the partner whose funder it is. */
function LineForms({ line, onSend }: { line: Line; onSend: (what: 'commit' | 'pay', values: Record<string, string>) => Promise<void> }) {
  const who = FUNDER_WORDS[line.funder] ?? line.funder;
  const id = (name: string) => `${line.funder}-${name}`;
  return (
    <div class="fr-grid-row fr-grid-row--gutters fr-mb-2w">
      <form class="fr-col-12 fr-col-md-5" aria-label={`Engagement ${who}`} onSubmit={(e) => (e.preventDefault(), void onSend('commit', formValues(e)))}>
        <Field id={id('commit')} label={<>Montant engagé par {who} (euros)</>}>
          <input class="fr-input" id={id('commit')} name="euros" inputMode="decimal" required />
        </Field>
        <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">
          Engager<span class="fr-sr-only"> pour {who}</span>
        </button>
      </form>
      {line.committedCents !== null && (
        <form class="fr-col-12 fr-col-md-7" aria-label={`Paiement ${who}`} onSubmit={(e) => (e.preventDefault(), void onSend('pay', formValues(e)))}>
          <div class="fr-grid-row fr-grid-row--gutters">
            <Field id={id('kind')} label="Nature" kind="select" class="fr-col-4">
              <select class="fr-select" id={id('kind')} name="kind">
                {PAYMENT_KINDS.map(([value, label]) => (
                  <option value={value}>{label}</option>
                ))}
              </select>
            </Field>
            <Field id={id('paid')} label={<>Montant payé par {who} (euros)</>} class="fr-col-4">
              <input class="fr-input" id={id('paid')} name="euros" inputMode="decimal" required />
            </Field>
            <Field id={id('paidOn')} label="Payé le" class="fr-col-4">
              <input class="fr-input" id={id('paidOn')} name="paidOn" type="date" defaultValue={today()} required />
            </Field>
          </div>
          <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">
            Enregistrer le paiement<span class="fr-sr-only"> de {who}</span>
          </button>
        </form>
      )}
    </div>
  );
}

export function FundingPlan({ app, me, onDone }: { app: Application; me: Me; onDone: Settle }) {
  const path = { params: { path: { id: app.id } } };
  const { answer, reload } = useAnswer(async () => {
    const [expenses, plan] = await Promise.all([
      call(() => api.GET('/api/v1/applications/{id}/expenses', path)),
      call(() => api.GET('/api/v1/applications/{id}/funding-plan', path)),
    ]);
    if (expenses.problem) return expenses;
    // No plan yet is a 404: the page says so, it is not a refusal.
    if (plan.problem && plan.problem.status !== 404) return plan;
    return { data: { expenses: expenses.data, plan: plan.data } };
  }, `${app.id}-${app.version}`);
  const [problem, setProblem] = useState<Problem>();
  const [editing, setEditing] = useState(false);
  /** The API's roles: the ARS instructs (expenses, computation), its director commits the plan, each partner its own funder's line. */
  const instructs = me.role === 'INSTRUCTOR' || me.role === 'DIRECTOR';
  const mine = (funder: Line['funder']) => me.role === 'PARTNER' && me.funders.includes(funder);
  /** Sends, then shows the refusal or reloads the plan and says what was done. */
  const run = async (send: () => Promise<Answer<unknown>>, done: string) => {
    const res = await send();
    setProblem(res.problem);
    if (!res.problem) {
      setEditing(false);
      reload();
      onDone(undefined, done);
    }
  };
  const line = async (funder: Line['funder'], what: 'commit' | 'pay', values: Record<string, string>) => {
    const who = FUNDER_WORDS[funder] ?? funder;
    const cents = centsOf(values.euros);
    if (cents === null) return setProblem(notAnAmount('montant', values.euros));
    const at = { params: { path: { id: app.id, funder } } };
    await run(
      () =>
        what === 'commit'
          ? call(() => api.PUT('/api/v1/applications/{id}/funding-plan/lines/{funder}', { ...at, body: { committedCents: cents } }))
          : call(() =>
              api.POST('/api/v1/applications/{id}/funding-plan/lines/{funder}/payments', {
                ...at,
                body: { kind: values.kind as Schemas['PaymentDto']['kind'], amountCents: cents, paidOn: values.paidOn },
              }),
            ),
      what === 'commit' ? `Engagement de ${who} enregistré.` : `Paiement de ${who} enregistré.`,
    );
  };
  return (
    <Loaded answer={answer}>
      {({ expenses, plan }) => {
        const open = plan?.status !== 'COMMITTED' && plan?.status !== 'RELEASED';
        const yours = plan?.status === 'COMMITTED' ? plan.lines.filter((l) => l.eligible && mine(l.funder)) : [];
        return (
          <>
            {problem && <Refusal problem={problem} />}
            <h3 id="depenses">Dépenses du projet</h3>
            {editing ? (
              <ExpensesForm
                items={expenses.items}
                onCancel={() => {
                  setEditing(false);
                  setProblem(undefined);
                }}
                onSend={async (sent) => {
                  if (!Array.isArray(sent)) return setProblem(sent);
                  await run(() => call(() => api.PUT('/api/v1/applications/{id}/expenses', { ...path, body: sent })), 'Dépenses enregistrées.');
                }}
              />
            ) : (
              <Table
                caption="Dépenses du projet, hors taxes"
                rows={expenses.items}
                empty="Aucune dépense saisie."
                columns={[
                  { label: 'Catégorie', cell: (e) => CATEGORY_WORDS[e.category] ?? e.category },
                  { label: 'Nature', cell: (e) => NATURE_WORDS[e.nature ?? 'OTHER'] ?? e.nature },
                  { label: 'Libellé', cell: (e) => e.label },
                  { label: 'Montant HT', cell: (e) => euros(e.amountCents), numeric: true },
                  { label: 'TVA', cell: (e) => euros(e.vatCents ?? 0), numeric: true },
                ]}
              />
            )}
            {instructs && open && !editing && (
              <ul class="fr-btns-group fr-btns-group--inline fr-mb-2w">
                <li>
                  <button type="button" class="fr-btn fr-btn--secondary" onClick={() => setEditing(true)}>
                    Modifier les dépenses
                  </button>
                </li>
                <li>
                  <button
                    type="button"
                    class="fr-btn fr-btn--secondary"
                    onClick={() => void run(() => call(() => api.POST('/api/v1/applications/{id}/funding-plan/compute', { ...path, body: {} })), 'Plan de financement calculé.')}
                  >
                    {plan ? 'Calculer à nouveau le plan' : 'Calculer le plan'}
                  </button>
                </li>
                {me.role === 'DIRECTOR' && plan?.status === 'COMPUTED' && (
                  <li>
                    <button
                      type="button"
                      class="fr-btn"
                      onClick={() =>
                        void run(() => call(() => api.POST('/api/v1/applications/{id}/funding-plan/commit', path)), 'Plan de financement engagé : les enveloppes sont consommées.')
                      }
                    >
                      Engager le plan
                    </button>
                  </li>
                )}
              </ul>
            )}
            <h3 id="repartition">Répartition entre financeurs</h3>
            {!plan ? (
              <p>Aucun plan de financement calculé.</p>
            ) : (
              <>
                <Definition
                  rows={[
                    ['Statut du plan', plan.status ? (PLAN_WORDS[plan.status] ?? plan.status) : '—'],
                    ['Coût total', euros(plan.totalCents)],
                    ['Dépense éligible', euros(plan.eligibleCostCents)],
                    ['Plafond des aides publiques', euros(plan.publicCeilingCents)],
                    ['Total des aides publiques', euros(plan.publicTotalCents)],
                    ['Autofinancement', euros(plan.selfFinancingCents)],
                  ]}
                />
                <Table
                  caption="Lignes du plan : montant et pourquoi ce montant"
                  rows={plan.lines}
                  columns={[
                    { label: 'Financeur', cell: (l) => FUNDER_WORDS[l.funder] ?? l.funder },
                    { label: 'Assiette', cell: (l) => euros(l.baseCents), numeric: true },
                    { label: 'Taux', cell: (l) => percent(l.appliedRateBps), numeric: true },
                    { label: 'Montant', cell: (l) => euros(l.amountCents), numeric: true },
                    {
                      label: 'Pourquoi ce montant',
                      cell: (l) => (
                        <>
                          {l.eligible ? '' : 'Non éligible. '}
                          {l.boundBy ? `Limité par ${BOUND_WORDS[l.boundBy] ?? l.boundBy}. ` : ''}
                          {l.reasons.map((r, i) => (
                            <>
                              {i > 0 && ' ; '}
                              <Reason text={r} />
                            </>
                          ))}
                        </>
                      ),
                    },
                    { label: 'Engagé', cell: (l) => euros(l.committedCents), numeric: true },
                    { label: 'Payé', cell: (l) => euros(l.paidCents), numeric: true },
                  ]}
                />
              </>
            )}
            {yours.length > 0 && (
              <section aria-labelledby="engagements">
                <h3 id="engagements">Engagements et paiements</h3>
                {yours.map((l) => (
                  <LineForms line={l} onSend={(what, values) => line(l.funder, what, values)} />
                ))}
              </section>
            )}
          </>
        );
      }}
    </Loaded>
  );
}
