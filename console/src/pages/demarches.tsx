// A dossier that came from Démarches Simplifiées: what DS changed since it left DRAFT (accepted
// or dismissed by the ARS, as the API does it), and a message to the promoter on DS.
import { api, call, type Schemas } from '../api.js';
import type { Me } from '../main.js';
import { Definition, Field, formValues, type Settle, Table } from '../ui.js';
import { euros, moment } from '../words.js';

type Application = Schemas['ApplicationDto'];
type Change = Schemas['DsChangeDto'];

const DS_STATES: Record<string, string> = {
  EN_CONSTRUCTION: 'en construction',
  EN_INSTRUCTION: 'en instruction',
  ACCEPTE: 'accepté',
  REFUSE: 'refusé',
  SANS_SUITE: 'classé sans suite',
};
const FIELD_WORDS: Record<string, string> = {
  'promoter.name': 'Porteur',
  'promoter.siren': 'SIREN du porteur',
  'project.name': 'Nom du projet',
  'project.commune': 'Commune (code INSEE)',
  'project.doctorsPlanned': 'Médecins prévus',
  'project.professionalsPlanned': 'Professionnels prévus',
  'project.populationServed': 'Population desservie',
  'siteMeeting.heldOn': 'Rencontre sur site',
  expenses: 'Dépenses',
};

/** A value as DS or our dossier holds it: a text, a count, or the expenses (their number and total, exact). */
function shown(value: Change['from']): string {
  if (value == null) return '—';
  if (Array.isArray(value)) {
    const total = value.reduce((sum, e) => sum + BigInt(e.amountCents ?? '0'), 0n);
    return `${value.length} dépense(s), ${euros(Number(total))} HT`;
  }
  return String(value);
}

export function Demarches({ app, me, onDone }: { app: Application; me: Me; onDone: Settle }) {
  const ds = app.ds;
  if (!ds) return null;
  const staff = me.role === 'ADMIN' || me.role === 'INSTRUCTOR' || me.role === 'DIRECTOR';
  const path = { params: { path: { id: app.id } } };
  const changes = async (what: 'accept' | 'dismiss') => {
    const res =
      what === 'accept'
        ? await call(() => api.POST('/api/v1/applications/{id}/ds-changes/accept', path))
        : await call(() => api.POST('/api/v1/applications/{id}/ds-changes/dismiss', path));
    onDone(res.problem, what === 'accept' ? 'Modifications de Démarches Simplifiées appliquées au dossier.' : 'Modifications de Démarches Simplifiées écartées.');
  };
  const message = async (values: Record<string, string>) => {
    const res = await call(() => api.POST('/api/v1/applications/{id}/ds-messages', { ...path, body: values.body ? { body: values.body } : {} }));
    onDone(res.problem, 'Message envoyé au porteur sur Démarches Simplifiées.');
  };
  return (
    <section aria-labelledby="demarches" class="fr-mt-4w">
      <h2 id="demarches">Démarches Simplifiées</h2>
      <Definition
        rows={[
          [
            'Dossier',
            <a href={ds.url} target="_blank" rel="noopener" title={`dossier n° ${ds.number} sur Démarches Simplifiées - nouvelle fenêtre`}>
              n° {ds.number}
            </a>,
          ],
          ['État sur Démarches Simplifiées', DS_STATES[ds.state] ?? ds.state],
          ['Dernière synchronisation', moment(ds.syncedAt)],
        ]}
      />
      {ds.pendingChanges.length > 0 && (
        <>
          <Table
            caption="Modifications du porteur sur Démarches Simplifiées, en attente"
            rows={ds.pendingChanges}
            columns={[
              { label: 'Champ', cell: (c) => FIELD_WORDS[c.field] ?? c.field },
              { label: 'Dans le dossier', cell: (c) => shown(c.from) },
              { label: 'Sur Démarches Simplifiées', cell: (c) => shown(c.to) },
            ]}
          />
          {staff && (
            <ul class="fr-btns-group fr-btns-group--inline">
              <li>
                <button type="button" class="fr-btn" onClick={() => void changes('accept')}>
                  Appliquer les modifications
                </button>
              </li>
              <li>
                <button type="button" class="fr-btn fr-btn--secondary" onClick={() => void changes('dismiss')}>
                  Écarter les modifications
                </button>
              </li>
            </ul>
          )}
        </>
      )}
      {staff && (
        <form aria-label="Écrire au porteur" onSubmit={(e) => (e.preventDefault(), void message(formValues(e)))}>
          <Field id="ds-message" label="Message au porteur (facultatif)" hint="Vide : un message lui demandant les pièces qui manquent encore au dossier.">
            <textarea class="fr-input" id="ds-message" name="body" maxLength={5000} />
          </Field>
          <button class="fr-btn fr-btn--secondary" type="submit">
            Envoyer sur Démarches Simplifiées
          </button>
        </form>
      )}
    </section>
  );
}
