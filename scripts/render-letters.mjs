// `node scripts/render-letters.mjs`: the pictures of docs/letters/ — a récépissé and a séance
// summary made by the service's own generators (dist/, `npm run build` first), their first page
// rendered to PNG by pdftoppm (Debian's poppler-utils).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiptPdf, summaryPdf } from '../dist/letters/letters.js';

const dir = mkdtempSync(join(tmpdir(), 'letters-'));
const base = {
  id: '01a236fb-ad5e-7576-b488-e3f7226133c1',
  arsName: 'ARS Auvergne-Rhône-Alpes',
  regionName: 'Auvergne-Rhône-Alpes',
  projectName: 'Centre de santé de Brioude',
  kind: 'CDS_POLYVALENT',
  promoterName: 'Commune de Brioude',
  communeName: 'Brioude',
  inseeCode: '43040',
  departmentCode: '43',
  zone: 'ZIP',
};
writeFileSync(
  join(dir, 'recepisse.pdf'),
  await receiptPdf({
    ...base,
    deliverablesReceivedOn: '2026-09-14',
    receiptDueOn: '2026-11-14',
    issuedOn: '2026-11-02',
    finessEj: '430008842',
    finessEt: '430008859',
    late: false,
    signedBy: 'Dr Claire Vidal',
  }),
);
writeFileSync(
  join(dir, 'fiche-de-synthese.pdf'),
  await summaryPdf({
    ...base,
    position: 3,
    purpose: 'OPINION',
    status: 'CARPEC_REVIEW',
    procedure: 'ACCOMPANIMENT',
    qpv: true,
    island: false,
    detr: '—',
    eligible: true,
    eligibilityReasons: [],
    warnings: [{ rule: 'cds-catchment-4000', detail: '' }],
    doctorsPlanned: 4,
    professionalsPlanned: 9,
    plan: {
      status: 'COMPUTED',
      totalCents: 112000000n,
      publicCeilingCents: 89600000n,
      selfFinancingCents: 30400000n,
      lines: [
        { funder: 'REGION', baseCents: 98000000n, rateBps: 3000, amountCents: 29400000n },
        { funder: 'DETR', baseCents: 98000000n, rateBps: 2500, amountCents: 24500000n },
        { funder: 'DSIL', baseCents: 98000000n, rateBps: 2000, amountCents: 19600000n },
        { funder: 'ARS', baseCents: 14000000n, rateBps: 5000, amountCents: 7000000n },
      ],
    },
    pieces: [
      { kind: 'REQUEST', filename: 'demande-accompagnement.pdf', version: 1 },
      { kind: 'LETTER_OF_INTENT', filename: 'lettre-intention.pdf', version: 2 },
      { kind: 'FINANCING_PLAN', filename: 'plan-financement-2027-2029.xlsx', version: 1 },
    ],
  }),
);
for (const name of ['recepisse', 'fiche-de-synthese']) {
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', join(dir, `${name}.pdf`), join(dir, name)]);
  renameSync(join(dir, `${name}-1.png`), join('docs/letters', `${name}.png`));
}
console.log('docs/letters/recepisse.png, docs/letters/fiche-de-synthese.png');
