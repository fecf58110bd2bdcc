// `npm run bench:ds-sync`: the time to take in a démarche's dossiers from Démarches Simplifiées.
// A local DS (the tests' graphql-js server, built from src/ds/schema.graphql) serves BENCH_DOSSIERS
// (1,000) dossiers of 9 champs, each with one pièce of BENCH_PIECE_BYTES (40,000); the
// production service (dist/main.js, its job worker on) syncs them at DS's pace (DS_MIN_INTERVAL_MS
// 160 ms, the default: 375 requests a minute), 100 a page. Then the same dossiers read again with
// nothing new (a full sync: every dossier compared, nothing written), then one dossier in ten
// changed on DS (an incremental sync). Prints the table and writes it to
// bench/results/<date>-ds-sync.md. BENCH_DATABASE_URL (else DATABASE_URL, else an embedded
// PostgreSQL); the database msp_bench_ds is dropped and recreated.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';
import { dossierFixture, type DsServer, pieceFixture, startDsServer } from '../test/helpers/ds-server.js';
import { freshDatabase, log, postgresServer, seedPromoter, serviceEnv, serviceReady, sleep, startProcess, stopProcess } from './harness.js';

const DOSSIERS = Number(process.env.BENCH_DOSSIERS ?? 1000);
const PIECE_BYTES = Number(process.env.BENCH_PIECE_BYTES ?? 40_000);
const PORT = 3113;
const BASE = `http://127.0.0.1:${PORT}/api/v1`;
const DB_NAME = 'msp_bench_ds';
const EMAIL = 'bench-ds@ars.test';
const PASSWORD = 'bench password 2026';
const NUMBER = 77_001;
const today = new Date().toISOString().slice(0, 10);
const C = {
  porteur: 'c-porteur',
  siret: 'c-siret',
  projet: 'c-projet',
  commune: 'c-commune',
  medecins: 'c-medecins',
  population: 'c-population',
  travaux: 'c-travaux',
  equipement: 'c-equipement',
  piece: 'c-piece',
};

interface Answer {
  id: string;
  status: string;
  created: number;
  updated: number;
  unchanged: number;
  refused: unknown[];
  requests: number;
  files: number;
}

async function api(token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Answer;
}

function dossier(ds: DsServer, n: number, modified: string, population = 5200) {
  const piece = pieceFixture(ds, `projet-de-sante-${n}.pdf`, { padTo: PIECE_BYTES });
  const champ = (typename: string, id: string, label: string, stringValue: string, extra: Record<string, unknown> = {}) => ({
    __typename: typename,
    id: `${id}-${n}`,
    champDescriptorId: id,
    label,
    stringValue,
    ...extra,
  });
  const siret = `8${String(n).padStart(8, '0')}00017`;
  return {
    ...dossierFixture(n, { modified }),
    champs: [
      champ('TextChamp', C.porteur, 'Nom du porteur', `SISA ${n}`, { value: `SISA ${n}` }),
      champ('SiretChamp', C.siret, 'SIRET', siret, { etablissement: { __typename: 'PersonneMorale', id: `pm-${n}`, siret } }),
      champ('TextChamp', C.projet, 'Nom du projet', `MSP ${n}`, { value: `MSP ${n}` }),
      champ('CommuneChamp', C.commune, 'Commune', 'Brioude (43100)', { commune: { code: '43040', name: 'Brioude', postalCode: '43100' } }),
      champ('IntegerNumberChamp', C.medecins, 'Médecins', '4', { value: '4' }),
      champ('IntegerNumberChamp', C.population, 'Population', String(population), { value: String(population) }),
      champ('DecimalNumberChamp', C.travaux, 'Travaux', '412 500,50', { value: 412500.5 }),
      champ('DecimalNumberChamp', C.equipement, 'Équipement', '35000', { value: 35000 }),
      champ('PieceJustificativeChamp', C.piece, 'Projet de santé', piece.file.filename, { files: [piece.file] }),
    ],
  };
}

async function main() {
  const server = await postgresServer();
  const { url, postgresVersion } = await freshDatabase(server, DB_NAME);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await seedPromoter(db, EMAIL, PASSWORD);
  const ds = await startDsServer([
    {
      number: NUMBER,
      title: 'Appel à candidatures (bench)',
      revisionId: 'UHJvY2VkdXJlUmV2aXNpb24tYmVuY2g=',
      champs: [
        { __typename: 'TextChampDescriptor', id: C.porteur, label: 'Nom du porteur', required: true },
        { __typename: 'SiretChampDescriptor', id: C.siret, label: 'SIRET', required: true },
        { __typename: 'TextChampDescriptor', id: C.projet, label: 'Nom du projet', required: true },
        { __typename: 'CommuneChampDescriptor', id: C.commune, label: 'Commune', required: true },
        { __typename: 'IntegerNumberChampDescriptor', id: C.medecins, label: 'Médecins', required: false },
        { __typename: 'IntegerNumberChampDescriptor', id: C.population, label: 'Population', required: false },
        { __typename: 'DecimalNumberChampDescriptor', id: C.travaux, label: 'Travaux', required: false },
        { __typename: 'DecimalNumberChampDescriptor', id: C.equipement, label: 'Équipement', required: false },
        { __typename: 'PieceJustificativeChampDescriptor', id: C.piece, label: 'Projet de santé', required: true },
      ],
      dossiers: [],
    },
  ]);
  const demarche = ds.demarches.get(NUMBER)!;
  const first = '2026-11-02T10:00:00+01:00';
  demarche.dossiers = Array.from({ length: DOSSIERS }, (_, i) => dossier(ds, 100_000 + i, first));

  const env = { ...serviceEnv(url, PORT), NODE_ENV: 'test', WORKERS_ENABLED: 'true', DS_API_URL: ds.url };
  const service = await startProcess(['dist/main.js'], env, () => serviceReady(PORT));
  const token = (await (
    await fetch(`${BASE}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) })
  ).json()) as {
    accessToken: string;
  };
  const t = token.accessToken;
  const call = await api(t, 'POST', '/calls', {
    title: 'Appel (bench)',
    regionCode: '84',
    opensOn: '2026-11-01',
    closesOn: '2027-04-30',
    procedure: 'STEP1',
    ds: { demarcheNumber: NUMBER },
  });
  await api(t, 'PUT', `/calls/${call.id}/ds-token`, { token: 'bench-token-0123456789' });
  await api(t, 'PUT', `/calls/${call.id}/mapping`, {
    fields: [
      { champId: C.porteur, target: 'promoter.name' },
      { champId: C.siret, target: 'promoter.siren' },
      { champId: C.projet, target: 'project.name' },
      { champId: C.commune, target: 'project.commune' },
      { champId: C.medecins, target: 'project.doctorsPlanned' },
      { champId: C.population, target: 'project.populationServed' },
      { champId: C.travaux, target: 'expense', category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux' },
      { champId: C.equipement, target: 'expense', category: 'EQUIPEMENT', nature: 'MEDICAL_EQUIPMENT', label: 'Équipement' },
      { champId: C.piece, target: 'document', kind: 'PROJET_DE_SANTE' },
    ],
    defaults: { legalType: 'SISA', professionalsPlanned: 6 },
  });

  const run = async (what: string, body: Record<string, unknown>) => {
    const started = performance.now();
    const queued = await api(t, 'POST', `/calls/${call.id}/sync`, body);
    for (;;) {
      const r = await api(t, 'GET', `/calls/${call.id}/syncs/${queued.id}`);
      if (r.status === 'SUCCEEDED' || r.status === 'FAILED') {
        const seconds = (performance.now() - started) / 1000;
        const line = { what, seconds, ...r };
        log(
          `${what}: ${seconds.toFixed(1)} s — ${JSON.stringify({ status: r.status, created: r.created, updated: r.updated, unchanged: r.unchanged, refused: r.refused.length, requests: r.requests, files: r.files })}`,
        );
        return line;
      }
      await sleep(200);
    }
  };
  const results = [await run(`${DOSSIERS} new dossiers, one pièce each`, {}), await run('the same, read again (full), nothing new', { full: true })];
  const later = new Date(Date.now() + 60_000).toISOString();
  for (let i = 0; i < DOSSIERS; i += 10) demarche.dossiers[i] = dossier(ds, 100_000 + i, later, 6100);
  results.push(await run(`one dossier in ten changed on DS (incremental)`, {}));
  const stored = (await db.query<{ n: string; bytes: string }>('SELECT count(*) AS n, coalesce(sum(size_bytes), 0) AS bytes FROM application_documents')).rows[0];
  await stopProcess(service.child);
  await db.end();
  await ds.close();
  await server.stop();

  const table = [
    `# Bench: sync from Démarches Simplifiées (${today})`,
    '',
    `Node ${process.version}, PostgreSQL ${postgresVersion}, ${cpus().length} cores. A local DS (graphql-js from src/ds/schema.graphql) serves ${DOSSIERS} dossiers of 9 champs, each with one pièce of ${PIECE_BYTES} bytes; the production service syncs them through its job worker, 100 dossiers a page, at DS's pace (DS_MIN_INTERVAL_MS 160 ms). Pièces stored in PostgreSQL: ${stored.n}, ${(Number(stored.bytes) / 1_048_576).toFixed(1)} MiB.`,
    '',
    '| Run | Wall time (request → SUCCEEDED) | Dossiers a second | Created | Updated | Unchanged | Refused | DS requests | Pièces downloaded |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => {
      const n = r.created + r.updated + r.unchanged;
      return `| ${r.what} | ${r.seconds.toFixed(1)} s | ${(n / r.seconds).toFixed(0)} | ${r.created} | ${r.updated} | ${r.unchanged} | ${r.refused.length} | ${r.requests} | ${r.files} |`;
    }),
    '',
  ].join('\n');
  process.stdout.write(`${table}\n`);
  writeFileSync(`bench/results/${today}-ds-sync.md`, table);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(String((error as Error).stack ?? error));
    process.exit(1);
  },
);
