// `npm run bench:console`: how fast the console shows its pages on the demo data, and what it
// sends. A fresh database gets the demo (`dist/cli/seed-demo.js`: 43 dossiers of region 84 and
// their séances, plans and envelopes); the production service serves it; a real Chromium
// (@sparticuz/chromium, or CHROMIUM_PATH) opens, BENCH_RUNS times (5) each in a new browser
// context (a cold cache): the sign-in page, the dashboard after signing in as the demo
// instructor, the dashboard of a returning user (the session cookie: the page reloaded), the
// dossiers list and a dossier with a committed plan. A page counts as rendered when its data is
// on screen (its heading and its first table). Also the bytes of JavaScript and CSS sent,
// compressed. Writes bench/results/<date>-console.md. BENCH_DATABASE_URL (else DATABASE_URL,
// else an embedded PostgreSQL); the database msp_bench_console is dropped and recreated.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Page } from 'playwright-core';
import { freshDatabase, log, postgresServer, serviceEnv, serviceReady, startProcess, stopProcess } from './harness.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PORT = 3114;
const BASE = `http://127.0.0.1:${PORT}/`;
const today = new Date().toISOString().slice(0, 10);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const server = await postgresServer();
  const { url, postgresVersion } = await freshDatabase(server, 'msp_bench_console');
  const env = { ...serviceEnv(url, PORT), NODE_ENV: 'production', BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password-2026' };
  const service = await startProcess(['dist/main.js'], env, () => serviceReady(PORT));
  const seeded = execFileSync(process.execPath, ['dist/cli/seed-demo.js'], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, encoding: 'utf8' });
  const password = /instructeur\.demo@ars\.test \(INSTRUCTOR\)\s+password: (\S+)/.exec(seeded)?.[1];
  if (!password) throw new Error(`no demo password in:\n${seeded.slice(0, 2000)}`);
  const browser = await playwright.launch({
    executablePath: process.env.CHROMIUM_PATH ?? (await chromium.executablePath()),
    args: [...chromium.args.filter((a) => a !== '--single-process'), '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    headless: true,
  });
  const times: Record<string, number[]> = {
    'sign-in page (no session)': [],
    'dashboard, after signing in': [],
    "dashboard's three charts drawn, after signing in": [],
    'dashboard, returning (session cookie)': [],
    dossiers: [],
    'a dossier with its plan': [],
  };
  const bytes = { js: 0, css: 0, fonts: 0 };
  /** The JavaScript of the first page and then of the dashboard (its charts' chunk). */
  let dashboardJs = 0;
  const rendered = async (page: Page, heading: string, table: boolean) => {
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    if (table) await page.locator('table tbody tr td a, table tbody tr td').first().waitFor();
  };
  let dossierId = '';
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // What the first page (the sign-in page, a cold cache) downloads.
    let counting = run === 0;
    let countingDashboard = run === 0;
    if (run === 0) {
      page.on('response', (res) => {
        const kind = /\.js$/.test(res.url()) ? 'js' : /\.css$/.test(res.url()) ? 'css' : /\.woff2?$/.test(res.url()) ? 'fonts' : undefined;
        if (!kind) return;
        // Which page it belongs to is decided when it arrives, not when its header is read.
        const [first, dashboard] = [counting, countingDashboard];
        void res.headerValue('content-length').then((n) => {
          if (first) bytes[kind] += Number(n ?? 0);
          if (kind === 'js' && dashboard) dashboardJs += Number(n ?? 0);
        });
      });
    }
    let t0 = performance.now();
    await page.goto(BASE);
    await rendered(page, 'Connexion', false);
    times['sign-in page (no session)'].push(performance.now() - t0);
    await page.waitForLoadState('networkidle');
    counting = false;
    await page.getByLabel('Adresse électronique').fill('instructeur.demo@ars.test');
    await page.getByLabel('Mot de passe').fill(password);
    t0 = performance.now();
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await rendered(page, 'Tableau de bord', true);
    times['dashboard, after signing in'].push(performance.now() - t0);
    await page.getByRole('img', { name: /^Enveloppes par financeur/ }).waitFor();
    await page.waitForFunction(() => {
      const canvases = [...(globalThis as unknown as { document: { querySelectorAll: (s: string) => { width: number }[] } }).document.querySelectorAll('canvas')];
      return canvases.length === 3 && canvases.every((c) => c.width > 0);
    });
    times["dashboard's three charts drawn, after signing in"].push(performance.now() - t0);
    await page.waitForLoadState('networkidle');
    countingDashboard = false;
    t0 = performance.now();
    await page.reload();
    await rendered(page, 'Tableau de bord', true);
    times['dashboard, returning (session cookie)'].push(performance.now() - t0);
    t0 = performance.now();
    await page.goto(`${BASE}#/dossiers?status=STEP2_IN_PROGRESS`);
    await rendered(page, 'Dossiers', true);
    times.dossiers.push(performance.now() - t0);
    dossierId ||= (await page.locator('table tbody a').first().getAttribute('href'))!.split('/').pop()!;
    t0 = performance.now();
    await page.goto(`${BASE}#/dossiers/${dossierId}`);
    await page.getByRole('heading', { level: 2, name: 'Plan de financement' }).waitFor();
    await page.locator('table').first().waitFor();
    times['a dossier with its plan'].push(performance.now() - t0);
    await context.close();
  }
  await browser.close();
  await stopProcess(service.child);
  await server.stop();
  const table = [
    `# Bench: the console on the demo data (${today})`,
    '',
    `Node ${process.version}, PostgreSQL ${postgresVersion}, ${cpus().length} cores; the production service (dist/main.js) on the demo (npm run seed:demo); Chromium headless, ${RUNS} runs each in a new browser context (cold cache). Rendered: the page's heading and its first table on screen.`,
    '',
    '| Page | Median | Slowest |',
    '|---|---|---|',
    ...Object.entries(times).map(([page, xs]) => `| ${page} | ${median(xs).toFixed(0)} ms | ${Math.max(...xs).toFixed(0)} ms |`),
    '',
    `Sent compressed (brotli) for the first page: JavaScript ${bytes.js} bytes, CSS ${bytes.css} bytes, fonts ${bytes.fonts} bytes. With the dashboard after it (its charts' library, loaded then): JavaScript ${dashboardJs} bytes in all.`,
    '',
  ].join('\n');
  process.stdout.write(`${table}\n`);
  writeFileSync(`bench/results/${today}-console.md`, table);
  log('done');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(String((error as Error).stack ?? error));
    process.exit(1);
  },
);
