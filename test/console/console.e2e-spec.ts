// The instructors' console in a real Chromium (issue 24): @sparticuz/chromium, which npm install
// brings (or CHROMIUM_PATH, a browser of the machine's), driven by playwright-core against the
// real service and database. An instructor signs in, finds a dossier, takes it, records the
// site meeting, is refused the submission without its pièces (in French, and in the API's
// words), adds them, replaces one, withdraws another, downloads one, submits, sees it in the
// timeline, creates a séance, puts the dossier on its agenda and records the avis there,
// downloads the séance's pack; the director decides, enters expenses, computes and commits a
// funding plan, has today's reports produced and downloads one; an instructor accepts what
// Démarches Simplifiées changed; a session ended elsewhere asks to sign in again; a préfecture
// confirms a DETR eligibility; a département partner sees only its
// département's dossiers and no action but its own funder's line. axe-core runs on every page;
// the dashboard, a dossier and a funding plan are saved as PNG in CONSOLE_SCREENSHOTS (by
// `npm run console:screenshots`: docs/console/), else in the system's temporary folder.
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import chromium from '@sparticuz/chromium';
import { type Browser, type BrowserContext, chromium as playwright, type Locator, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { samplePdf, sha256 } from '../helpers/documents.js';
import { advance, makeDossier } from '../helpers/dossiers.js';
import { actor, type Actor, makeCall, PASSWORD } from '../helpers/factories.js';
import { activeRuleSet, envelope } from '../helpers/funding.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? join(tmpdir(), 'console-screenshots');
/** A browser's steps, on a loaded 2-core machine. */
const STEPS = 90_000;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

describe('the console in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  /** The accounts that sign in to the console (their API tokens for what the tests read or change beside it). */
  let accounts: Record<'instructor' | 'director' | 'partner' | 'prefecture', Actor>;
  let emails: Record<keyof typeof accounts, string>;
  let draft: { id: string };
  let awaiting: { id: string };
  let committed: { id: string };
  let computing: { id: string };
  let fromDs: { id: string; projectId: string };
  let toConfirm: { id: string };
  let cantal: { id: string };
  const audited: string[] = [];
  const contexts: BrowserContext[] = [];

  /** axe-core on the page as it is: no serious or critical violation. */
  async function axe(page: Page, where: string) {
    await page.addScriptTag({ content: AXE });
    const violations = await page.evaluate(async () => {
      const w = globalThis as unknown as { axe: { run: (o: object) => Promise<{ violations: AxeViolation[] }> } };
      return (await w.axe.run({ resultTypes: ['violations'] })).violations;
    });
    audited.push(
      `${where}: ${violations.length} violation(s)${violations.length ? ` (${violations.map((v) => `${v.id}/${v.impact} ${JSON.stringify(v.nodes.map((n) => n.target))}`).join(', ')})` : ''}`,
    );
    expect({
      where,
      serious: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    }).toEqual({
      where,
      serious: [],
    });
  }

  /**
   * A page of its own (cookies, storage). The CSP is bypassed so that axe-core can be injected,
   * except in a page that keeps it (`csp`): there, every violation is kept in `cspViolations`.
   */
  async function newPage(csp = false): Promise<Page> {
    const context = await browser.newContext({ bypassCSP: !csp, viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    contexts.push(context);
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = globalThis as unknown as {
        cspViolations: string[];
        document: { addEventListener: (t: string, f: (e: { violatedDirective: string; blockedURI: string }) => void) => void };
      };
      w.cspViolations = [];
      w.document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    page.on('requestfailed', (r) => console.error(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
    return page;
  }

  async function signIn(page: Page, email: string) {
    await page.goto(base);
    await page
      .getByRole('heading', { level: 1, name: 'Connexion' })
      .waitFor({ timeout: 15_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\n${(await page.content()).slice(0, 3000)}`);
      });
    await page.getByLabel('Adresse électronique').fill(email);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
  }

  /** Selects the option whose text holds `text`. */
  async function pick(select: Locator, text: string) {
    const value = await select.locator('option', { hasText: text }).getAttribute('value');
    if (value === null) throw new Error(`no option holding "${text}"`);
    await select.selectOption(value);
  }

  /** What the API's checklist says the dossier's next move still needs. */
  async function checklistOf(id: string): Promise<string[]> {
    return (await t.http().get(`/api/v1/applications/${id}`).set('Authorization', accounts.instructor.auth).expect(200)).body.checklist.missing as string[];
  }

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}/`;
    const admin = await actor(t, 'ADMIN');
    const instructor: Actor = await actor(t, 'INSTRUCTOR');
    const director: Actor = await actor(t, 'DIRECTOR');
    accounts = {
      instructor: await actor(t, 'INSTRUCTOR', { funders: ['ARS'] }),
      director: await actor(t, 'DIRECTOR', { funders: ['ARS'] }),
      partner: await actor(t, 'PARTNER', { type: 'CONSEIL_DEPARTEMENTAL', departmentCode: '43', funders: ['DEPARTEMENT'] }),
      prefecture: await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] }),
    };
    emails = { instructor: accounts.instructor.email, director: accounts.director.email, partner: accounts.partner.email, prefecture: accounts.prefecture.email };
    await activeRuleSet(t, admin, {
      REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE', 'EPCI'], defaultRateBps: 4000, minRateBps: 1000, maxRateBps: 6000, priority: 1 },
      DEPARTEMENT: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE', 'EPCI'], defaultRateBps: 1000, minRateBps: 0, maxRateBps: 2500, priority: 2 },
      ARS: { categories: ['EQUIPEMENT'], promoterTypes: ['COMMUNE', 'EPCI'], defaultRateBps: 5000, minRateBps: 0, maxRateBps: 8000, capCents: 5_000_000, priority: 3 },
    });
    await envelope(t, admin, 'REGION', 500_000_000);
    await envelope(t, admin, 'ARS', 100_000_000);
    await envelope(t, admin, 'DEPARTEMENT', 80_000_000, '43');
    const who = { instructor, director };
    draft = await makeDossier(t, instructor, { name: 'MSP des Gorges de l’Allier' });
    awaiting = await makeDossier(t, instructor, { name: 'MSP du plateau de la Chaise-Dieu' });
    await advance(t, awaiting.id, 'AWAITING_DECISION', who);
    committed = await makeDossier(t, instructor, { name: 'Centre de santé de Brioude' });
    await advance(t, committed.id, 'STEP2_IN_PROGRESS', who);
    await t
      .http()
      .put(`/api/v1/applications/${committed.id}/expenses`)
      .set('Authorization', instructor.auth)
      .send([
        { category: 'IMMOBILIER', nature: 'WORKS', label: 'Réhabilitation du rez-de-chaussée', amountCents: 48_000_000 },
        { category: 'EQUIPEMENT', nature: 'MEDICAL_EQUIPMENT', label: 'Équipement médical', amountCents: 6_500_000 },
      ])
      .expect(200);
    await t.http().post(`/api/v1/applications/${committed.id}/funding-plan/compute`).set('Authorization', instructor.auth).send({}).expect(200);
    await t.http().post(`/api/v1/applications/${committed.id}/funding-plan/commit`).set('Authorization', director.auth).send({}).expect(200);
    computing = await makeDossier(t, instructor, { name: 'MSP de Langeac' });
    await advance(t, computing.id, 'STEP2_IN_PROGRESS', who);
    // A commune's promoter of 5,000 inhabitants: DETR to be confirmed by the préfecture.
    toConfirm = await makeDossier(t, instructor, { name: 'MSP de Saugues', commune: { population: 5000 } });
    // A dossier that came from Démarches Simplifiées, where the promoter changed the population
    // served after it left DRAFT: the change waits for an instructor (as a sync leaves it).
    fromDs = await makeDossier(t, instructor, { name: 'MSP de Paulhaguet' });
    await advance(t, fromDs.id, 'SUBMITTED', who);
    const project = await t.prisma.project.findUniqueOrThrow({ where: { id: fromDs.projectId }, include: { promoter: true } });
    const applied = {
      promoter: { name: project.promoter.name, siren: project.promoter.siren },
      project: {
        name: project.name,
        commune: { code: project.communeInsee, postalCode: null },
        doctorsPlanned: project.doctorsPlanned,
        professionalsPlanned: project.professionalsPlanned,
        populationServed: project.populationServed,
      },
      siteMeetingHeldOn: null,
      expenses: [],
    };
    await t.prisma.dsDossier.create({
      data: {
        applicationId: fromDs.id,
        callId: await makeCall(t, admin),
        number: 4242,
        dsId: 'RG9zc2llci00MjQy',
        state: 'EN_INSTRUCTION',
        url: 'https://www.demarches-simplifiees.fr/procedures/98765/dossiers/4242',
        dsUpdatedAt: new Date(),
        syncedAt: new Date(),
        appliedValues: applied,
        readValues: { ...applied, project: { ...applied.project, populationServed: project.populationServed + 900 } },
      },
    });
    cantal = await makeDossier(t, instructor, { name: 'MSP du Cantal', commune: { departmentCode: '15', inseeCode: '15777' } });
    mkdirSync(SHOTS, { recursive: true });
    browser = await playwright.launch({
      executablePath: process.env.CHROMIUM_PATH ?? (await chromium.executablePath()),
      // Not as one process (the package's default, for AWS Lambda): a closed context would take the browser with it.
      args: [...chromium.args.filter((a) => a !== '--single-process'), '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      headless: true,
    });
  }, 120_000);
  // Each test's browser contexts closed, their connections with them.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    console.info(`axe-core:\n  ${audited.join('\n  ')}`);
    await browser?.close();
    await t?.close();
  }, STEPS);

  it(
    'renders the first page in under a second, sending under 300 kB of JavaScript compressed',
    async () => {
      const page = await newPage();
      const scripts: Promise<string | null>[] = [];
      page.on('response', (res) => {
        if (res.url().endsWith('.js')) scripts.push(res.headerValue('content-length'));
      });
      const started = Date.now();
      await page.goto(base);
      await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
      const firstRender = Date.now() - started;
      const scriptBytes = (await Promise.all(scripts)).reduce((n, length) => n + Number(length ?? 0), 0);
      console.info(`first render (sign-in page, cold): ${firstRender} ms; JavaScript sent: ${scriptBytes} bytes`);
      expect(scriptBytes).toBeGreaterThan(0);
      expect(scriptBytes).toBeLessThan(300_000);
      await axe(page, 'sign-in');
      // A wrong password: said in French, with the API's words.
      await page.getByLabel('Adresse électronique').fill(emails.instructor);
      await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('alert').getByText('Adresse électronique ou mot de passe incorrect.').waitFor();
    },
    STEPS,
  );

  it(
    'works with the keyboard alone, under its Content-Security-Policy: sign in, see the charts, reach a dossier from the menu',
    async () => {
      const page = await newPage(true);
      await page.goto(base);
      await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
      /** Tabs until the focused element is the one `matches` names (at most 40 times). */
      const tabTo = async (matches: (e: { id: string; text: string }) => boolean) => {
        for (let i = 0; i < 40; i++) {
          await page.keyboard.press('Tab');
          const focused = await page.evaluate(() => {
            const e = (globalThis as unknown as { document: { activeElement: { id: string; textContent: string | null } | null } }).document.activeElement;
            return { id: e?.id ?? '', text: (e?.textContent ?? '').trim() };
          });
          if (matches(focused)) return;
        }
        throw new Error(
          `not reached with Tab (${JSON.stringify(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { outerHTML: string } | null } }).document.activeElement?.outerHTML.slice(0, 200)))})`,
        );
      };
      await tabTo((e) => e.id === 'email');
      await page.keyboard.type(emails.instructor);
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
      // The charts' library, loaded on demand, draws under the policy: a canvas with pixels on it.
      const chart = page.getByRole('img', { name: /^Dossiers par étape\. Étape 1 : \d+ ; Étape 2 : \d+/ });
      await chart.waitFor();
      await page.waitForFunction(() => {
        interface Canvas {
          width: number;
          height: number;
          getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
        }
        const canvas = (globalThis as unknown as { document: { querySelector: (s: string) => Canvas | null } }).document.querySelector('canvas');
        const pixels = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        return pixels?.some((alpha, i) => i % 4 === 3 && alpha > 0) ?? false;
      });
      await tabTo((e) => e.text === 'Dossiers');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Dossiers' }).waitFor();
      // The list arrives after its heading: tabbing starts once it is there.
      await page.getByRole('link', { name: 'MSP des Gorges de l’Allier' }).waitFor();
      await tabTo((e) => e.text === 'MSP des Gorges de l’Allier');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'MSP des Gorges de l’Allier' }).waitFor();
      expect(await page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    },
    STEPS,
  );

  it(
    'lets an instructor find a dossier, record its site meeting, add the pièces it lacks, submit it, and have the CARPEC give its avis',
    async () => {
      const page = await newPage();
      await signIn(page, emails.instructor);
      await axe(page, 'dashboard');
      await page.screenshot({ path: `${SHOTS}/dashboard.png`, fullPage: true });

      await page.getByRole('link', { name: 'Dossiers', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Dossiers' }).waitFor();
      await page.getByLabel('Rechercher un projet').fill('Gorges');
      await page.getByRole('button', { name: 'Filtrer' }).click();
      // A change of the hash, not a navigation: the URL is read until it says the search.
      await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash === '#/dossiers?q=Gorges');
      // The search answers this one, not the others (they were listed before it).
      await page.getByRole('link', { name: 'MSP du Cantal' }).waitFor({ state: 'detached' });
      await page.getByRole('link', { name: 'MSP des Gorges de l’Allier' }).waitFor();
      expect(await page.getByRole('table', { name: 'Dossiers de votre territoire' }).getByRole('link').count()).toBe(1);
      await axe(page, 'dossiers');
      await page.getByRole('link', { name: 'MSP des Gorges de l’Allier' }).click();
      await page.getByRole('heading', { level: 1, name: 'MSP des Gorges de l’Allier' }).waitFor();
      await axe(page, 'dossier (draft)');
      // Opened by another instructor: this one takes it, then finds it among its own. The
      // dossier changed meanwhile (a letter of intent asked through the API): refused as the API
      // words it (If-Match), the page reads the dossier again, and the second try is taken.
      await page.getByText('Suivi par : un autre instructeur').waitFor();
      await t.http().patch(`/api/v1/applications/${draft.id}`).set('Authorization', accounts.instructor.auth).send({ letterOfIntentRequested: true }).expect(200);
      await page.getByRole('button', { name: 'Me confier ce dossier' }).click();
      await page.getByRole('alert').getByText('Le dossier a changé depuis votre lecture : rechargez la page.').waitFor();
      expect((await t.prisma.application.findUniqueOrThrow({ where: { id: draft.id } })).assigneeId).not.toBe(accounts.instructor.userId);
      await page.getByRole('button', { name: 'Me confier ce dossier' }).click();
      await page.getByRole('status').getByText('Dossier confié à vous.').waitFor();
      await page.getByText('Suivi par : vous').waitFor();
      expect((await t.prisma.application.findUniqueOrThrow({ where: { id: draft.id } })).assigneeId).toBe(accounts.instructor.userId);
      await page.goto(`${base}#/dossiers?mine=1`);
      await page.getByRole('link', { name: 'MSP des Gorges de l’Allier' }).waitFor();
      expect(await page.getByRole('table', { name: 'Dossiers de votre territoire' }).getByRole('link').count()).toBe(1);
      await page.getByRole('link', { name: 'MSP des Gorges de l’Allier' }).click();
      await page.getByRole('heading', { level: 1, name: 'MSP des Gorges de l’Allier' }).waitFor();

      await page.getByRole('button', { name: 'Enregistrer la rencontre sur site' }).click();
      await page.getByLabel('Participants').fill('ARS (DD43), maire, 3 médecins généralistes');
      await page.getByLabel('Constats').fill('Local communal de 400 m² à réhabiliter ; SISA en cours de constitution.');
      await page.getByRole('form', { name: 'Enregistrer la rencontre sur site' }).getByRole('button').click();
      await page.getByRole('status').getByText('Enregistrer la rencontre sur site : fait.').waitFor();
      await page.getByText('réunion sur site tenue').first().waitFor();

      // Without its pièces the submission is refused: in French, and as the API words it.
      await page.getByRole('button', { name: 'Enregistrer la demande (dépôt)' }).click();
      await page.getByRole('form', { name: 'Enregistrer la demande (dépôt)' }).getByRole('button').click();
      const refusal = page.getByRole('alert');
      await refusal.getByText('Il manque des pièces au dossier pour cette étape').waitFor();
      expect(await refusal.textContent()).toContain('Réponse du service (422)');
      await axe(page, 'dossier (refusal shown)');

      // The pièces the checklist names, added through the console; one downloaded again, the same bytes.
      const missing = await checklistOf(draft.id);
      expect(missing.length).toBeGreaterThan(1);
      for (const kind of missing) {
        await page.getByLabel('Pièce', { exact: true }).selectOption(kind);
        await page
          .getByRole('form', { name: 'Ajouter une pièce' })
          .getByLabel('Fichier')
          .setInputFiles({ name: `${kind.toLowerCase()}.pdf`, mimeType: 'application/pdf', buffer: samplePdf(kind) });
        await page.getByRole('button', { name: 'Ajouter la pièce' }).click();
        await page
          .getByRole('status')
          .getByText(/^Pièce ajoutée : /)
          .waitFor();
        await page.getByRole('button', { name: new RegExp(`^Télécharger ${kind.toLowerCase()}\\.pdf`) }).waitFor();
      }
      expect(await checklistOf(draft.id)).toEqual([]);
      await page.getByText('toutes les pièces requises sont présentes.').waitFor();
      // The first one replaced by a new version; downloaded, it is the new bytes.
      const v2 = samplePdf(`${missing[0]}, version signée`);
      const replace = page.getByRole('form', { name: 'Remplacer une pièce' });
      await pick(replace.getByLabel('Pièce à remplacer'), `— ${missing[0].toLowerCase()}.pdf (version 1)`);
      await replace.getByLabel('Nouveau fichier').setInputFiles({ name: `${missing[0].toLowerCase()}-signe.pdf`, mimeType: 'application/pdf', buffer: v2 });
      await replace.getByRole('button', { name: 'Enregistrer la nouvelle version' }).click();
      await page.getByRole('status').getByText('Nouvelle version de la pièce enregistrée.').waitFor();
      const downloaded = page.waitForEvent('download');
      await page.getByRole('button', { name: new RegExp(`^Télécharger ${missing[0].toLowerCase()}-signe\\.pdf \\(version 2`) }).click();
      const file = await downloaded;
      expect(file.suggestedFilename()).toBe(`${missing[0].toLowerCase()}-signe.pdf`);
      expect(sha256(readFileSync(await file.path()))).toBe(sha256(v2));
      // A required pièce withdrawn with its reason: kept and marked, and missing again; sent anew.
      const last = missing[missing.length - 1];
      const withdraw = page.getByRole('form', { name: 'Retirer une pièce' });
      await pick(withdraw.getByLabel('Pièce à retirer'), `— ${last.toLowerCase()}.pdf (version 1)`);
      await withdraw.getByLabel('Motif').fill('Déposée par erreur');
      await withdraw.getByRole('button', { name: 'Retirer la pièce' }).click();
      await page.getByRole('cell', { name: / \(retirée : Déposée par erreur\)$/ }).waitFor();
      expect(await t.prisma.applicationDocument.findMany({ where: { applicationId: draft.id, filename: `${last.toLowerCase()}.pdf` }, select: { withdrawnReason: true } })).toEqual(
        [{ withdrawnReason: 'Déposée par erreur' }],
      );
      expect(await checklistOf(draft.id)).toEqual([last]);
      await page.getByLabel('Pièce', { exact: true }).selectOption(last);
      await page
        .getByRole('form', { name: 'Ajouter une pièce' })
        .getByLabel('Fichier')
        .setInputFiles({ name: `${last.toLowerCase()}-bis.pdf`, mimeType: 'application/pdf', buffer: samplePdf(`${last} bis`) });
      await page.getByRole('button', { name: 'Ajouter la pièce' }).click();
      await page.getByRole('button', { name: new RegExp(`^Télécharger ${last.toLowerCase()}-bis\\.pdf`) }).waitFor();
      expect(await checklistOf(draft.id)).toEqual([]);
      // The submission's form is still open: sent again, now with its pièces.
      await page.getByRole('form', { name: 'Enregistrer la demande (dépôt)' }).getByRole('button').click();
      await page.getByRole('status').getByText('Enregistrer la demande (dépôt) : fait.').waitFor();
      await page.getByRole('region', { name: 'Chronologie' }).getByText('Demande enregistrée').waitFor();
      expect(await t.prisma.application.findUniqueOrThrow({ where: { id: draft.id }, select: { status: true } })).toEqual({ status: 'SUBMITTED' });

      // A séance created today, the dossier put on its agenda from its page, the avis recorded on the séance's.
      await page.getByRole('link', { name: 'Séances CARPEC' }).click();
      await page.getByRole('heading', { level: 1, name: 'Séances de la CARPEC' }).waitFor();
      await axe(page, 'séances');
      const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
      await page.getByLabel('Date de la séance').fill(today);
      await page.getByLabel('Intitulé').fill('CARPEC Haute-Loire');
      await page.getByRole('button', { name: 'Créer la séance' }).click();
      await page.getByRole('heading', { level: 2, name: /^CARPEC Haute-Loire/ }).waitFor();
      const sessionId = (await t.prisma.carpecSession.findFirstOrThrow({ where: { title: 'CARPEC Haute-Loire' } })).id;
      expect(page.url()).toBe(`${base}#/seances/${sessionId}`);
      await page.goto(`${base}#/dossiers/${draft.id}`);
      await page.getByRole('button', { name: "Inscrire à l'ordre du jour de la CARPEC (avis)" }).click();
      const schedule = page.getByRole('form', { name: "Inscrire à l'ordre du jour de la CARPEC (avis)" });
      await schedule.getByLabel('Séance de la CARPEC').selectOption(sessionId);
      await schedule.getByRole('button').click();
      await page.getByRole('status').getByText("Inscrire à l'ordre du jour de la CARPEC (avis) : fait.").waitFor();
      await page.goto(`${base}#/seances/${sessionId}`);
      const opinion = page.getByRole('form', { name: 'Avis sur MSP des Gorges de l’Allier' });
      await opinion.getByLabel('Avis').selectOption('FAVORABLE_WITH_RESERVATIONS');
      await opinion.getByLabel('Réserves (facultatif)').fill('Sous réserve du bail signé');
      await axe(page, 'séance (avis à rendre)');
      await opinion.getByRole('button', { name: 'Enregistrer l’avis' }).click();
      await page.getByRole('status').getByText('Avis enregistré pour MSP des Gorges de l’Allier.').waitFor();
      await page.getByRole('cell', { name: /Sous réserve du bail signé/ }).waitFor();
      expect(await t.prisma.application.findUniqueOrThrow({ where: { id: draft.id }, select: { status: true } })).toEqual({ status: 'AWAITING_DECISION' });
      // The séance's pack: a ZIP (its first bytes), named after the séance.
      const packed = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Télécharger le dossier de séance (ZIP)' }).click();
      const pack = await packed;
      expect(pack.suggestedFilename()).toBe(`seance-carpec-${today}.zip`);
      expect(
        readFileSync(await pack.path())
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');
      await page.goto(`${base}#/rapports`);
      await page.getByRole('heading', { level: 1, name: 'Rapports' }).waitFor();
      await axe(page, 'rapports');
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    },
    STEPS,
  );

  it(
    'lets the director decide, enter expenses, compute and commit a funding plan, and shows why each amount',
    async () => {
      const page = await newPage();
      await signIn(page, emails.director);
      await page.goto(`${base}#/dossiers/${awaiting.id}`);
      await page.getByRole('heading', { level: 1, name: 'MSP du plateau de la Chaise-Dieu' }).waitFor();
      await page.getByRole('button', { name: 'Décider : accord' }).click();
      await page.getByRole('form', { name: 'Décider : accord' }).getByRole('button').click();
      await page.getByRole('status').getByText('Décider : accord : fait.').waitFor();
      expect((await t.prisma.application.findUniqueOrThrow({ where: { id: awaiting.id } })).status).toBe('STEP2_IN_PROGRESS');

      // Expenses typed as people type euros; a wrong amount is refused before anything is sent.
      await page.goto(`${base}#/dossiers/${computing.id}`);
      await page.getByRole('heading', { level: 1, name: 'MSP de Langeac' }).waitFor();
      await page.getByText('Aucun plan de financement calculé.').waitFor();
      await page.getByRole('button', { name: 'Modifier les dépenses' }).click();
      const expense = (n: number) => page.getByRole('group', { name: `Dépense ${n}` });
      for (const [n, category, nature, label, amount] of [
        [1, 'IMMOBILIER', 'WORKS', 'Réhabilitation du rez-de-chaussée', '480 000,001'],
        [2, 'EQUIPEMENT', 'MEDICAL_EQUIPMENT', 'Équipement médical', '65000'],
      ] as const) {
        await page.getByRole('button', { name: 'Ajouter une dépense' }).click();
        await expense(n).getByLabel('Catégorie').selectOption(category);
        await expense(n).getByLabel('Nature').selectOption(nature);
        await expense(n).getByLabel('Libellé').fill(label);
        await expense(n).getByLabel('Montant HT (euros)').fill(amount);
      }
      await page.getByRole('button', { name: 'Enregistrer les dépenses' }).click();
      await page.getByRole('alert').getByText('Le formulaire contient une erreur : dépense 1, montant HT (en euros, au plus deux décimales).').waitFor();
      expect(await t.prisma.expense.count({ where: { applicationId: computing.id } })).toBe(0);
      await expense(1).getByLabel('Montant HT (euros)').fill('480 000');
      await page.getByRole('button', { name: 'Enregistrer les dépenses' }).click();
      await page.getByRole('status').getByText('Dépenses enregistrées.').waitFor();
      await page.getByRole('table', { name: 'Dépenses du projet, hors taxes' }).getByText('480 000,00 €').waitFor();
      // Opened again and saved as it is: each expense keeps its category and nature.
      const saved = () =>
        t.prisma.expense.findMany({ where: { applicationId: computing.id }, orderBy: { position: 'asc' }, select: { category: true, nature: true, amountCents: true } });
      const first = await saved();
      expect(first).toEqual([
        { category: 'IMMOBILIER', nature: 'WORKS', amountCents: 48_000_000n },
        { category: 'EQUIPEMENT', nature: 'MEDICAL_EQUIPMENT', amountCents: 6_500_000n },
      ]);
      await page.getByRole('button', { name: 'Modifier les dépenses' }).click();
      await page.getByRole('button', { name: 'Enregistrer les dépenses' }).click();
      await page.getByRole('form', { name: 'Dépenses du projet' }).waitFor({ state: 'detached' });
      expect(await saved()).toEqual(first);
      await page.getByRole('button', { name: 'Calculer le plan' }).click();
      await page.getByRole('status').getByText('Plan de financement calculé.').waitFor();
      await page.getByRole('table', { name: /Lignes du plan/ }).waitFor();
      await page.getByRole('button', { name: 'Engager le plan' }).click();
      await page.getByRole('status').getByText('Plan de financement engagé : les enveloppes sont consommées.').waitFor();
      // The same expenses as the dossier committed through the API: the same split, to the cent.
      const lines = async (applicationId: string) =>
        (await t.prisma.fundingPlan.findFirstOrThrow({ where: { applicationId }, include: { lines: { orderBy: { funder: 'asc' } } } })).lines.map((l) => [l.funder, l.amountCents]);
      const plan = await t.prisma.fundingPlan.findFirstOrThrow({ where: { applicationId: computing.id } });
      expect(plan.status).toBe('COMMITTED');
      expect(await lines(computing.id)).toEqual(await lines(committed.id));
      await page.getByRole('button', { name: 'Modifier les dépenses' }).waitFor({ state: 'detached' });
      // The lines' commitments and payments are each funder's own: none is offered to the director.
      await page.getByRole('table', { name: /Lignes du plan/ }).waitFor();
      expect(await page.getByRole('form', { name: /^(Engagement|Paiement) / }).count()).toBe(0);
      await axe(page, 'dossier (plan engagé par la direction)');

      await page.goto(`${base}#/dossiers/${committed.id}`);
      await page.getByRole('heading', { level: 1, name: 'Centre de santé de Brioude' }).waitFor();
      // Why this amount: the calculator's reason, its rule named in French, its words the API's.
      const region = await t.prisma.fundingPlanLine.findFirstOrThrow({ where: { funder: 'REGION', plan: { applicationId: committed.id } } });
      expect(region.reasons[0]).toMatch(/^defaultRateBps: /);
      await page
        .getByRole('table', { name: /Lignes du plan/ })
        .getByRole('row', { name: /^Région/ })
        .getByText(`Taux par défaut : ${region.reasons[0].replace(/^defaultRateBps: /, '')}`)
        .waitFor();
      await axe(page, 'dossier (committed plan)');
      await page.screenshot({ path: `${SHOTS}/dossier.png`, fullPage: true });
      await page.getByRole('region', { name: 'Plan de financement' }).screenshot({ path: `${SHOTS}/funding-plan.png` });

      // Today's reports produced on demand, read again until ready, one downloaded: the API's bytes.
      await page.getByRole('link', { name: 'Rapports' }).click();
      await page.getByRole('heading', { level: 1, name: 'Rapports' }).waitFor();
      await page.getByRole('button', { name: 'Produire les rapports de cette date' }).click();
      await page
        .getByRole('status')
        .getByText(/^Rapports du .* demandés/)
        .waitFor();
      const deadlines = page.getByRole('row', { name: /^Échéances/ });
      await deadlines.getByRole('button', { name: /^CSV/ }).waitFor({ timeout: 60_000 });
      await axe(page, 'rapports (produits)');
      const csv = page.waitForEvent('download');
      await deadlines.getByRole('button', { name: /^CSV/ }).click();
      const report = await csv;
      const run = await t.prisma.reportRun.findFirstOrThrow({ where: { type: 'DEADLINES' }, orderBy: { id: 'desc' } });
      expect(report.suggestedFilename()).toBe(`DEADLINES-${run.date.toISOString().slice(0, 10)}.csv`);
      const fromApi = await t
        .http()
        .get(`/api/v1/reports/runs/${run.id}/download?format=csv`)
        .set('Authorization', accounts.director.auth)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(readFileSync(await report.path()).equals(fromApi.body as Buffer)).toBe(true);
    },
    STEPS,
  );

  it(
    'shows what the promoter changed on Démarches Simplifiées, and applies it when the instructor accepts',
    async () => {
      const page = await newPage();
      await signIn(page, emails.instructor);
      await page.goto(`${base}#/dossiers/${fromDs.id}`);
      await page.getByRole('heading', { level: 1, name: 'MSP de Paulhaguet' }).waitFor();
      const before = (await t.prisma.project.findUniqueOrThrow({ where: { id: fromDs.projectId } })).populationServed;
      const pending = page.getByRole('table', { name: 'Modifications du porteur sur Démarches Simplifiées, en attente' });
      await pending.getByRole('row', { name: `Population desservie ${before} ${before + 900}` }).waitFor();
      await axe(page, 'dossier (Démarches Simplifiées)');
      // The call has no write-back: the API refuses the message, and the page says so.
      await page.getByRole('button', { name: 'Envoyer sur Démarches Simplifiées' }).click();
      await page
        .getByRole('alert')
        .getByText(/^Réponse du service \(4\d\d\)/)
        .waitFor();
      await page.getByRole('button', { name: 'Appliquer les modifications' }).click();
      await page.getByRole('status').getByText('Modifications de Démarches Simplifiées appliquées au dossier.').waitFor();
      await pending.waitFor({ state: 'detached' });
      expect((await t.prisma.project.findUniqueOrThrow({ where: { id: fromDs.projectId } })).populationServed).toBe(before + 900);
      await page.getByRole('region', { name: 'Chronologie' }).getByText('Modifications de Démarches Simplifiées appliquées').waitFor();
    },
    STEPS,
  );

  it(
    'asks to sign in again when the session has ended elsewhere, and comes back to the page asked for',
    async () => {
      const page = await newPage();
      await signIn(page, emails.instructor);
      // Signed out in another tab (every refresh token of the account revoked), and the access
      // token refused: it is changed on its way to the (real) service, as an expired one would be.
      await t.prisma.refreshToken.updateMany({ where: { user: { email: emails.instructor } }, data: { revokedAt: new Date() } });
      await page.route('**/api/v1/applications?*', (route) => route.continue({ headers: { ...route.request().headers(), authorization: 'Bearer expired' } }));
      await page.getByRole('link', { name: 'Dossiers', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
      await page
        .getByRole('status')
        .getByText(/^Votre session a pris fin/)
        .waitFor();
      await page.unrouteAll();
      await page.getByLabel('Adresse électronique').fill(emails.instructor);
      await page.getByLabel('Mot de passe').fill(PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dossiers' }).waitFor();
      expect(new URL(page.url()).hash).toBe('#/dossiers');
      // The list refused for want of a session is read again: the dossiers are there.
      await page.getByRole('link', { name: 'MSP des Gorges de l’Allier' }).waitFor();
    },
    STEPS,
  );

  it(
    'lets a préfecture de département confirm a DETR eligibility to confirm, its only action',
    async () => {
      const page = await newPage();
      await signIn(page, emails.prefecture);
      await page.goto(`${base}#/dossiers/${toConfirm.id}`);
      await page.getByRole('heading', { level: 1, name: 'MSP de Saugues' }).waitFor();
      await page.getByText(/^à confirmer par la préfecture de département — population 5,000/).waitFor();
      await page.getByText('Aucune action ne vous est ouverte sur ce dossier dans son état actuel.').waitFor();
      const form = page.getByRole('form', { name: 'Éligibilité DETR' });
      await axe(page, 'dossier (préfecture, DETR à confirmer)');
      await form.getByLabel('Décision').selectOption('CONFIRMED');
      await form.getByLabel('Motif').fill('Potentiel financier sous le seuil');
      await form.getByRole('button', { name: 'Enregistrer la décision DETR' }).click();
      await page.getByRole('status').getByText('Décision DETR enregistrée.').waitFor();
      await page.getByText('confirmée — Potentiel financier sous le seuil').waitFor();
      await page.getByRole('region', { name: 'Chronologie' }).getByText('Éligibilité DETR confirmée par la préfecture').waitFor();
      expect(await form.count()).toBe(0);
      expect(await t.prisma.application.findUniqueOrThrow({ where: { id: toConfirm.id }, select: { detrDecision: true, detrReason: true } })).toEqual({
        detrDecision: 'CONFIRMED',
        detrReason: 'Potentiel financier sous le seuil',
      });
      // Nothing of the ARS's instruction is offered to it: no pièce, no expense, no computation.
      expect(await page.getByRole('button', { name: /^(Ajouter la pièce|Modifier les dépenses|Calculer)/ }).count()).toBe(0);
    },
    STEPS,
  );

  it(
    "shows a département partner only its département's dossiers, and no action but its own line's",
    async () => {
      const page = await newPage();
      await signIn(page, emails.partner);
      await page.getByRole('link', { name: 'Dossiers', exact: true }).click();
      await page.getByRole('link', { name: 'Centre de santé de Brioude' }).waitFor();
      expect(await page.getByRole('link', { name: 'MSP du Cantal' }).count()).toBe(0);
      // The API's filters: étape 2 leaves out the dossier still in étape 1.
      await page.getByRole('link', { name: 'MSP des Gorges de l’Allier' }).waitFor();
      await page.getByLabel('Étape').selectOption('2');
      await page.getByRole('button', { name: 'Filtrer' }).click();
      await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash === '#/dossiers?step=2');
      await page.getByRole('link', { name: 'MSP des Gorges de l’Allier' }).waitFor({ state: 'detached' });
      await page.getByRole('link', { name: 'Centre de santé de Brioude' }).waitFor();
      await axe(page, 'dossiers (partenaire, étape 2)');
      await page.getByRole('link', { name: 'Centre de santé de Brioude' }).click();
      await page.getByRole('heading', { level: 1, name: 'Centre de santé de Brioude' }).waitFor();
      await page.getByText('Aucune action ne vous est ouverte sur ce dossier dans son état actuel.').waitFor();
      await page.getByRole('table', { name: /Lignes du plan/ }).waitFor();
      // Its own funder's line only.
      expect(await page.getByRole('form', { name: /^Engagement / }).count()).toBe(1);
      await page.getByLabel('Montant engagé par Département (euros)').fill('12000');
      await page.getByRole('button', { name: 'Engager' }).click();
      await page.getByRole('status').getByText('Engagement de Département enregistré.').waitFor();
      const line = await t.prisma.fundingPlanLine.findFirstOrThrow({ where: { funder: 'DEPARTEMENT', plan: { applicationId: committed.id } } });
      expect(line.committedCents).toBe(1_200_000n);
      // Then a payment on it, in euros as people type them.
      await page.getByLabel('Montant payé par Département (euros)').fill('3 000,50');
      await page.getByRole('button', { name: 'Enregistrer le paiement' }).click();
      await page.getByRole('status').getByText('Paiement de Département enregistré.').waitFor();
      expect(await t.prisma.payment.findMany({ where: { lineId: line.id }, select: { kind: true, amountCents: true } })).toEqual([{ kind: 'ADVANCE', amountCents: 300_050n }]);
      await axe(page, 'dossier (partner)');
      // Another département's dossier: not found, said in French.
      await page.goto(`${base}#/dossiers/${cantal.id}`);
      await page.getByRole('alert').getByText('Introuvable dans votre territoire.').waitFor();
    },
    STEPS,
  );
});
