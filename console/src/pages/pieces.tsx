// A dossier's pièces: what the next move needs (the API's checklist), the pièces there, each
// downloaded through the typed client, and a pièce added by the ARS (multipart, as the API takes it).
import { useState } from 'preact/hooks';
import { api, call, type Problem, type Schemas } from '../api.js';
import type { Me } from '../main.js';
import { download, Field, formValues, Refusal, type Settle, Table } from '../ui.js';
import { ACTION_WORDS, moment, PIECE_TITLES } from '../words.js';

type Application = Schemas['ApplicationDto'];
type Piece = Schemas['DocumentDto'];

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} ko` : `${(bytes / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`);

/** The fields given (empty ones left out), then the form's file: the API reads the fields before it streams the file to the storage. */
function multipart(form: HTMLFormElement, fields: Record<string, string>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value) body.append(name, value);
  body.append('file', new FormData(form).get('file') as File);
  return body;
}

function AddPiece({ app, onDone }: { app: Application; onDone: Settle }) {
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const { kind, label } = formValues(event);
    const body = multipart(form, { kind, label });
    setBusy(true);
    const res = await call(() => api.POST('/api/v1/applications/{id}/documents', { params: { path: { id: app.id } }, body: body as unknown as Schemas['UploadDocumentDto'] }));
    setBusy(false);
    if (!res.problem) form.reset();
    onDone(res.problem, `Pièce ajoutée : ${PIECE_TITLES[kind as Piece['kind']] ?? kind}.`);
  };
  const first = app.checklist.missing[0] ?? 'OTHER';
  return (
    <form aria-label="Ajouter une pièce" onSubmit={(e) => void submit(e)} class="fr-mt-2w">
      <fieldset class="fr-fieldset">
        <legend class="fr-fieldset__legend">Ajouter une pièce</legend>
        <div class="fr-fieldset__element">
          <Field id="piece-kind" label="Pièce" kind="select">
            <select class="fr-select" id="piece-kind" name="kind" key={first}>
              {Object.entries(PIECE_TITLES).map(([value, words]) => (
                <option value={value} selected={value === first}>
                  {words}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div class="fr-fieldset__element">
          <Field id="piece-label" label="Description (facultatif)">
            <input class="fr-input" id="piece-label" name="label" maxLength={200} />
          </Field>
        </div>
        <div class="fr-fieldset__element">
          <Field id="piece-file" label="Fichier" kind="upload" hint="PDF, image, document bureautique ou CSV ; le type est lu dans le contenu du fichier.">
            <input class="fr-upload" id="piece-file" name="file" type="file" required />
          </Field>
        </div>
        <div class="fr-fieldset__element">
          <button class="fr-btn fr-btn--secondary" type="submit" disabled={busy}>
            Ajouter la pièce
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** A pièce replaced by a new version (its file, its label kept unless given), or withdrawn with a reason (kept, marked). */
function ChangePiece({ app, pieces, onDone }: { app: Application; pieces: Piece[]; onDone: Settle }) {
  const [busy, setBusy] = useState(false);
  const current = pieces.filter((p) => !p.withdrawn);
  const named = (p: Piece) => `${PIECE_TITLES[p.kind]} — ${p.filename} (version ${p.version})`;
  const replace = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const { docId, label } = formValues(event);
    const body = multipart(form, { label });
    setBusy(true);
    const res = await call(() =>
      api.POST('/api/v1/applications/{id}/documents/{docId}/versions', {
        params: { path: { id: app.id, docId } },
        body: body as unknown as Schemas['UploadVersionDto'],
      }),
    );
    setBusy(false);
    if (!res.problem) form.reset();
    onDone(res.problem, 'Nouvelle version de la pièce enregistrée.');
  };
  const withdraw = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const values = formValues(event);
    const res = await call(() =>
      api.POST('/api/v1/applications/{id}/documents/{docId}/withdraw', { params: { path: { id: app.id, docId: values.docId } }, body: { reason: values.reason } }),
    );
    if (!res.problem) form.reset();
    onDone(res.problem, 'Pièce retirée (elle reste lisible, marquée).');
  };
  if (current.length === 0) return null;
  const options = current.map((p) => (
    <option key={p.id} value={p.id}>
      {named(p)}
    </option>
  ));
  return (
    <div class="fr-grid-row fr-grid-row--gutters fr-mt-2w">
      <form class="fr-col-12 fr-col-md-6" aria-label="Remplacer une pièce" onSubmit={(e) => void replace(e)}>
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend">Remplacer une pièce par une nouvelle version</legend>
          <div class="fr-fieldset__element">
            <Field id="replace-doc" label="Pièce à remplacer" kind="select">
              <select class="fr-select" id="replace-doc" name="docId">
                {options}
              </select>
            </Field>
          </div>
          <div class="fr-fieldset__element">
            <Field id="replace-label" label="Nouvelle description (facultatif)">
              <input class="fr-input" id="replace-label" name="label" maxLength={200} />
            </Field>
          </div>
          <div class="fr-fieldset__element">
            <Field id="replace-file" label="Nouveau fichier" kind="upload">
              <input class="fr-upload" id="replace-file" name="file" type="file" required />
            </Field>
          </div>
          <div class="fr-fieldset__element">
            <button class="fr-btn fr-btn--secondary" type="submit" disabled={busy}>
              Enregistrer la nouvelle version
            </button>
          </div>
        </fieldset>
      </form>
      <form class="fr-col-12 fr-col-md-6" aria-label="Retirer une pièce" onSubmit={(e) => void withdraw(e)}>
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend">Retirer une pièce</legend>
          <div class="fr-fieldset__element">
            <Field id="withdraw-doc" label="Pièce à retirer" kind="select">
              <select class="fr-select" id="withdraw-doc" name="docId">
                {options}
              </select>
            </Field>
          </div>
          <div class="fr-fieldset__element">
            <Field id="withdraw-reason" label="Motif">
              <textarea class="fr-input" id="withdraw-reason" name="reason" required />
            </Field>
          </div>
          <div class="fr-fieldset__element">
            <button class="fr-btn fr-btn--tertiary" type="submit">
              Retirer la pièce
            </button>
          </div>
        </fieldset>
      </form>
    </div>
  );
}

export function Pieces({ app, me, pieces, onDone }: { app: Application; me: Me; pieces: Piece[]; onDone: Settle }) {
  const [problem, setProblem] = useState<Problem>();
  const fetchPiece = async (piece: Piece) => {
    const res = await call(() => api.GET('/api/v1/applications/{id}/documents/{docId}/content', { params: { path: { id: app.id, docId: piece.id } }, parseAs: 'blob' }));
    setProblem(res.problem);
    if (!res.problem) download(res.data, piece.filename);
  };
  return (
    <>
      {problem && <Refusal problem={problem} />}
      {app.checklist.nextAction && (
        <p>
          Pour « {ACTION_WORDS[app.checklist.nextAction] ?? app.checklist.nextAction} » :{' '}
          {app.checklist.required.length === 0
            ? 'aucune pièce requise.'
            : app.checklist.missing.length === 0
              ? 'toutes les pièces requises sont présentes.'
              : `il manque ${app.checklist.missing.map((k) => PIECE_TITLES[k]).join(', ')}.`}
        </p>
      )}
      <Table
        caption="Pièces du dossier"
        rows={pieces}
        empty="Aucune pièce."
        columns={[
          { label: 'Pièce', cell: (d) => (d.withdrawn ? `${PIECE_TITLES[d.kind]} (retirée : ${d.withdrawnReason ?? ''})` : PIECE_TITLES[d.kind]) },
          { label: 'Description', cell: (d) => d.label ?? '—' },
          { label: 'Déposée le', cell: (d) => moment(d.uploadedAt) },
          {
            label: 'Fichier',
            cell: (d) => (
              <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" onClick={() => void fetchPiece(d)}>
                Télécharger {d.filename} (version {d.version}, {size(d.sizeBytes)})
              </button>
            ),
          },
        ]}
      />
      {(me.role === 'INSTRUCTOR' || me.role === 'DIRECTOR') && (
        <>
          <AddPiece app={app} onDone={onDone} />
          <ChangePiece app={app} pieces={pieces} onDone={onDone} />
        </>
      )}
    </>
  );
}
