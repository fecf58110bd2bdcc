import { api, call } from '../api.js';
import type { Me } from '../main.js';
import { BarChart } from '../chart.js';
import { Loaded, Table, useAnswer } from '../ui.js';
import { day, euros, eurosShort, FUNDER_WORDS, STATUS_WORDS } from '../words.js';

/** How many of the most urgent the API lists (GET /dashboard): more may be due. */
const URGENT_LISTED = 50;
const KIND = { RECEIPT_OVERDUE: 'Récépissé en retard', RECEIPT_DUE_SOON: 'Récépissé dû sous 15 jours', IDLE: 'Sans événement depuis 90 jours' } as const;

export function Dashboard({ me }: { me: Me }) {
  const { answer } = useAnswer(() => call(() => api.GET('/api/v1/dashboard')), 'dashboard');
  return (
    <>
      <h1>Tableau de bord</h1>
      <p>
        {me.departmentCode ? `Département ${me.departmentCode}` : `Région ${me.regionCode}`} — {me.organizationName}
      </p>
      <Loaded answer={answer}>
        {(d) => {
          const steps = [1, 2, 3].map((step) => ({ label: `Étape ${step}`, value: d.byStatus.filter((s) => s.step === step).reduce((n, s) => n + s.count, 0) }));
          const other = d.byStatus.filter((s) => s.step === null).reduce((n, s) => n + s.count, 0);
          return (
            <>
              <div class="fr-grid-row fr-grid-row--gutters">
                <section class="fr-col-12 fr-col-lg-6" aria-labelledby="etapes">
                  <h2 id="etapes">Dossiers par étape</h2>
                  <BarChart
                    title="Dossiers par étape"
                    labels={[...steps.map((s) => s.label), 'Audits et dossiers terminés']}
                    series={[{ label: 'Dossiers', values: [...steps.map((s) => s.value), other], tone: ['blue', 'blue', 'blue', 'grey'] }]}
                  />
                  <Table
                    caption="Dossiers par statut"
                    rows={d.byStatus}
                    columns={[
                      { label: 'Statut', cell: (s) => <a href={`#/dossiers?status=${s.status}`}>{STATUS_WORDS[s.status]}</a> },
                      { label: 'Étape', cell: (s) => s.step ?? '—', numeric: true },
                      { label: 'Dossiers', cell: (s) => s.count, numeric: true },
                    ]}
                  />
                </section>
                <section class="fr-col-12 fr-col-lg-6" aria-labelledby="echeances">
                  <h2 id="echeances">Échéances au {day(d.date)}</h2>
                  <BarChart
                    title="Échéances"
                    labels={['Récépissés en retard', 'Récépissés dus sous 15 jours', 'Dossiers inactifs (90 jours)']}
                    series={[{ label: 'Dossiers', values: [d.deadlines.overdue, d.deadlines.dueSoon, d.deadlines.idle], tone: ['red', 'orange', 'grey'] }]}
                  />
                  <Table
                    caption="Dossiers les plus urgents"
                    rows={d.urgent}
                    empty="Aucune échéance proche."
                    columns={[
                      { label: 'Dossier', cell: (u) => <a href={`#/dossiers/${u.applicationId}`}>{u.projectName}</a> },
                      { label: 'Dépt', cell: (u) => u.departmentCode },
                      { label: 'Échéance', cell: (u) => KIND[u.kind] },
                      { label: 'Date', cell: (u) => day(u.date) },
                    ]}
                  />
                  {d.urgent.length === URGENT_LISTED && (
                    <p class="fr-text--sm">
                      Les {d.urgent.length} plus urgentes sont listées ici ; toutes figurent dans le rapport <a href="#/rapports">« Échéances »</a> de chaque nuit.
                    </p>
                  )}
                </section>
              </div>
              <section aria-labelledby="enveloppes" class="fr-mt-4w">
                <h2 id="enveloppes">Enveloppes par financeur</h2>
                <BarChart
                  title="Enveloppes par financeur : payé, engagé non payé, reste à engager"
                  labels={d.envelopes.map((e) => FUNDER_WORDS[e.funder] ?? e.funder)}
                  series={[
                    { label: 'Payé', values: d.envelopes.map((e) => e.paidCents), tone: 'blue' },
                    { label: 'Engagé, non payé', values: d.envelopes.map((e) => Math.max(0, e.committedCents - e.paidCents)), tone: 'lightBlue' },
                    { label: 'Reste à engager', values: d.envelopes.map((e) => e.remainingCents), tone: 'green' },
                  ]}
                  stacked
                  format={eurosShort}
                />
                <Table
                  caption="Enveloppes ouvertes : montants, engagé, reste à engager, payé"
                  rows={d.envelopes}
                  empty="Aucune enveloppe ouverte dans votre territoire."
                  columns={[
                    { label: 'Financeur', cell: (e) => FUNDER_WORDS[e.funder] ?? e.funder },
                    { label: 'Enveloppes', cell: (e) => euros(e.amountCents), numeric: true },
                    { label: 'Engagé', cell: (e) => euros(e.committedCents), numeric: true },
                    { label: 'Reste à engager', cell: (e) => euros(e.remainingCents), numeric: true },
                    { label: 'Payé', cell: (e) => euros(e.paidCents), numeric: true },
                  ]}
                />
              </section>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
