// The daily e-mail digest (issue 22, item 6): what waits for each instructor and director, sent
// through a real SMTP server (smtp-server) and read back with mailparser; GET /me/digest, the
// opt-out, and what happens without SMTP_URL.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { addMonths, daysBetween } from '../../src/common/validation/dates.js';
import { DigestService } from '../../src/digest/digest.service.js';
import { Mailer } from '../../src/digest/mailer.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, makeDossier, reach, today } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem, makeOrganization, makeUser } from '../helpers/factories.js';

interface Received {
  to: string[];
  subject: string;
  from: string;
  text: string;
  html: string;
}

/** A real SMTP server on loopback that keeps every message it accepts, and refuses the recipients in `refuse`. */
async function startSmtp() {
  const raw: { to: string[]; data: Buffer }[] = [];
  const refuse = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        raw.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    refuse,
    /** The messages received since the last call, parsed. */
    async take(): Promise<Received[]> {
      const taken = raw.splice(0);
      return Promise.all(
        taken.map(async ({ to, data }) => {
          const m = await simpleParser(data);
          return { to, subject: m.subject ?? '', from: m.from?.text ?? '', text: (m.text ?? '').replace(/\r\n/g, '\n'), html: m.html || '' };
        }),
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A date as the digest writes it: « 2 décembre 2026 », « 1er décembre 2026 ». */
const french = (iso: string) =>
  new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`)).replace(/^1 /, '1er ');
const subjectOf = (n: number) => `Financement MSP — ce qui vous attend le ${french(today())} (${n} dossiers)`;
/** The récépissé due date of deliverables received `n` days ago (the 2-month rule). */
const due = (n: number) => addMonths(daysAgo(n), 2);
const late = (n: number) => daysBetween(due(n), today());

describe('daily digest, sent through SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let t: TestApp;
  let admin: Actor;
  /** Instructor A instructs most dossiers; B one; C is of another region; D decides; D2 opted out. */
  let A: Actor, B: Actor, C: Actor, D: Actor, D2: Actor, partner: Actor;
  let inactiveEmail: string;
  const ids: Record<string, string> = {};
  const NAMES = {
    draft: 'MSP de Tence',
    soon: 'MSP "Les Sucs" & <Meygal>',
    overdue: 'Centre de santé du Mézenc',
    awaiting: 'MSP du Lignon',
    later: 'MSP de Montfaucon',
    withdrawn: 'MSP abandonnée',
    otherSoon: 'MSP de Bas-en-Basset',
  };
  const digest = (a: Actor) => t.http().get('/api/v1/me/digest').set('Authorization', a.auth);
  const prefer = (a: Actor, body: unknown) =>
    t
      .http()
      .put('/api/v1/me/digest-preferences')
      .set('Authorization', a.auth)
      .send(body as object);

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0', SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Financement MSP <no-reply@ars.test>' });
    admin = await actor(t, 'ADMIN');
    A = await actor(t, 'INSTRUCTOR');
    B = await actor(t, 'INSTRUCTOR');
    C = await actor(t, 'INSTRUCTOR', { regionCode: '11' });
    D = await actor(t, 'DIRECTOR');
    D2 = await actor(t, 'DIRECTOR');
    partner = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
    inactiveEmail = (await makeUser(t, 'INSTRUCTOR', (await makeOrganization(t)).id, { active: false })).email;
    await t.prisma.user.update({ where: { id: A.userId }, data: { displayName: 'Camille <Martin>' } });
    const byA = { instructor: A, director: D };
    const byB = { instructor: B, director: D };
    const deliverables = async (id: string, who: typeof byA, receivedDaysAgo: number) => {
      await advance(t, id, 'STEP2_IN_PROGRESS', who);
      await t
        .http()
        .post(`/api/v1/applications/${id}/deliverables`)
        .set('Authorization', who.instructor.auth)
        .send({ receivedOn: daysAgo(receivedDaysAgo) })
        .expect(200);
    };

    // Created by A: assigned to A (the creator instructs it).
    ids.draft = (await makeDossier(t, A, { name: NAMES.draft, commune: { name: 'Tence' } })).id;
    ids.soon = (await makeDossier(t, A, { name: NAMES.soon, commune: { name: 'Yssingeaux' } })).id;
    await deliverables(ids.soon, byA, 50);
    ids.overdue = (await makeDossier(t, A, { name: NAMES.overdue, commune: { name: 'Les Estables' } })).id;
    await deliverables(ids.overdue, byA, 65);
    // Assigned to nobody: its deadline is every instructor's of the region.
    await t.http().patch(`/api/v1/applications/${ids.overdue}`).set('Authorization', A.auth).send({ assigneeId: null }).expect(200);
    ids.awaiting = (await makeDossier(t, A, { name: NAMES.awaiting, commune: { name: 'Le Chambon-sur-Lignon' } })).id;
    await advance(t, ids.awaiting, 'AWAITING_DECISION', byA);
    ids.later = (await makeDossier(t, A, { name: NAMES.later, commune: { name: 'Montfaucon-en-Velay' } })).id;
    await deliverables(ids.later, byA, 10);
    ids.withdrawn = (await makeDossier(t, A, { name: NAMES.withdrawn })).id;
    await reach(t, ids.withdrawn, 'WITHDRAWN', byA);
    // B's: due soon, but not A's to see.
    ids.otherSoon = (await makeDossier(t, B, { name: NAMES.otherSoon, commune: { name: 'Bas-en-Basset' } })).id;
    await deliverables(ids.otherSoon, byB, 48);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const item = (key: keyof typeof NAMES, commune: string, status: string, deliverablesDaysAgo?: number) => ({
    applicationId: ids[key],
    projectName: NAMES[key],
    communeName: commune,
    departmentCode: '43',
    status,
    ...(deliverablesDaysAgo !== undefined && { dueOn: due(deliverablesDaysAgo) }),
    ...(deliverablesDaysAgo !== undefined && late(deliverablesDaysAgo) > 0 && { daysLate: late(deliverablesDaysAgo) }),
  });
  const expected = () => {
    const overdue = item('overdue', 'Les Estables', 'DELIVERABLES_RECEIVED', 65);
    const soon = item('soon', 'Yssingeaux', 'DELIVERABLES_RECEIVED', 50);
    const later = item('later', 'Montfaucon-en-Velay', 'DELIVERABLES_RECEIVED', 10);
    const otherSoon = item('otherSoon', 'Bas-en-Basset', 'DELIVERABLES_RECEIVED', 48);
    const draft = item('draft', 'Tence', 'DRAFT');
    const awaiting = item('awaiting', 'Le Chambon-sur-Lignon', 'AWAITING_DECISION');
    return {
      A: [
        { key: 'RECEIPT_OVERDUE', title: 'En retard', items: [overdue] },
        { key: 'RECEIPT_DUE_SOON', title: 'Échéances à 15 jours', items: [soon] },
        // Open and assigned to A: those with a récépissé awaited first (by due date), then by last move; not the withdrawn one, nor the one given to nobody.
        { key: 'ASSIGNED', title: 'Dossiers qui vous sont confiés', items: [soon, later, draft, awaiting] },
      ],
      B: [
        { key: 'RECEIPT_OVERDUE', title: 'En retard', items: [overdue] },
        { key: 'RECEIPT_DUE_SOON', title: 'Échéances à 15 jours', items: [otherSoon] },
        { key: 'ASSIGNED', title: 'Dossiers qui vous sont confiés', items: [otherSoon] },
      ],
      D: [
        { key: 'DECISION_TO_SIGN', title: 'Décisions à signer', items: [awaiting] },
        { key: 'RECEIPT_TO_SIGN', title: 'Récépissés à signer', items: [overdue, soon, otherSoon, later] },
      ],
    };
  };

  it('GET /me/digest: an instructor’s overdue, soon-due and assigned dossiers; the director’s decisions and récépissés to sign', async () => {
    expect(late(65)).toBeGreaterThan(0);
    expect(late(50)).toBeLessThanOrEqual(0);
    const a = (await digest(A).expect(200)).body;
    expect(a).toMatchObject({ date: today(), subject: subjectOf(5), dailyDigest: true });
    expect(a.sections).toEqual(expected().A);
    expect((await digest(B).expect(200)).body.sections).toEqual(expected().B);
    const d = (await digest(D).expect(200)).body;
    expect(d.sections).toEqual(expected().D);
    expect(d.subject).toBe(subjectOf(5));
    // Another region's instructor has nothing waiting; a partner's role has no digest.
    const c = (await digest(C).expect(200)).body;
    expect(c.sections.map((s: { items: unknown[] }) => s.items)).toEqual([[], [], []]);
    expect(c.subject).toBe(`Financement MSP — rien ne vous attend le ${french(today())}`);
    expect((await digest(partner).expect(200)).body).toMatchObject({ sections: [], dailyDigest: true });
  });

  it('refuses the digest and its preference to an API key (403): a digest is for a person', async () => {
    const key = (
      await t.http().post('/api/v1/api-keys').set('Authorization', admin.auth).send({ name: 'integration', role: 'INSTRUCTOR', organizationId: admin.organizationId }).expect(201)
    ).body.key;
    expect(expectProblem(await t.http().get('/api/v1/me/digest').set('X-API-Key', key), 403).detail).toMatch(/digest is for a person/);
    expectProblem(await t.http().put('/api/v1/me/digest-preferences').set('X-API-Key', key).send({ dailyDigest: false }), 403);
  });

  it('PUT /me/digest-preferences opts out and back in, audited, bumping the user’s version; 400 on anything but a boolean', async () => {
    const before = await t.prisma.user.findUniqueOrThrow({ where: { id: D2.userId } });
    expect((await prefer(D2, { dailyDigest: false }).expect(200)).body).toEqual({ dailyDigest: false });
    expect((await digest(D2).expect(200)).body.dailyDigest).toBe(false);
    expect((await prefer(D2, { dailyDigest: true }).expect(200)).body).toEqual({ dailyDigest: true });
    expect((await digest(D2).expect(200)).body.dailyDigest).toBe(true);
    expect((await prefer(D2, { dailyDigest: false }).expect(200)).body).toEqual({ dailyDigest: false });
    const after = await t.prisma.user.findUniqueOrThrow({ where: { id: D2.userId } });
    expect(after).toMatchObject({ dailyDigest: false, version: before.version + 3 });
    const audit = await t.prisma.auditLog.findMany({ where: { action: 'user.digest_preferences', entityId: D2.userId }, orderBy: { id: 'asc' } });
    expect(audit.map((r) => [r.actorId, r.entity, r.regionCode, r.before, r.after])).toEqual([
      [D2.userId, 'user', '84', { dailyDigest: true }, { dailyDigest: false }],
      [D2.userId, 'user', '84', { dailyDigest: false }, { dailyDigest: true }],
      [D2.userId, 'user', '84', { dailyDigest: true }, { dailyDigest: false }],
    ]);

    for (const body of [{ dailyDigest: 'no' }, { dailyDigest: null }, {}, { dailyDigest: 1 }]) {
      const problem = expectProblem(await prefer(A, body), 400);
      expect(problem.errors?.map((e) => e.field)).toContain('dailyDigest');
    }
    expectProblem(await prefer(A, { dailyDigest: true, also: 1 }), 400);
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: A.userId } })).dailyDigest).toBe(true);
  });

  it('sendAll mails each person what waits for them, in French, text and HTML; nothing to the opted-out, the inactive, nor those with nothing waiting', async () => {
    // D2 opted out in the test before; make sure whatever the order.
    await t.prisma.user.update({ where: { id: D2.userId }, data: { dailyDigest: false } });
    await smtp.take();
    const run = await t.app.get(DigestService).sendAll(today());
    // Opted in with a role that has a digest: A, B, C, D (not D2, nor the inactive one, nor the admin or the partner).
    expect(run).toEqual({ recipients: 4, sent: 3, skippedEmpty: 1, failed: 0 });
    const mails = await smtp.take();
    expect(mails.map((m) => m.to).sort()).toEqual([[A.email], [B.email], [D.email]].sort());
    for (const nobody of [C.email, D2.email, partner.email, admin.email, inactiveEmail]) expect(mails.flatMap((m) => m.to)).not.toContain(nobody);
    const to = (a: Actor) => mails.find((m) => m.to.includes(a.email))!;

    const a = to(A);
    expect(a.subject).toBe(subjectOf(5));
    expect(a.from).toContain('no-reply@ars.test');
    // The same digest as GET /me/digest.
    const api = (await digest(A).expect(200)).body;
    expect(a.text.trim()).toBe(api.text.trim());
    expect(a.text).toMatch(/^Bonjour Camille <Martin>,/);
    for (const name of [NAMES.overdue, NAMES.soon, NAMES.later, NAMES.draft, NAMES.awaiting]) expect(a.text).toContain(name);
    for (const name of [NAMES.withdrawn, NAMES.otherSoon]) expect(a.text).not.toContain(name);
    expect(a.text).toContain(`- ${NAMES.overdue} — Les Estables (43) — livrables reçus, récépissé à délivrer — récépissé dû le ${french(due(65))}, en retard de ${late(65)} jour`);
    expect(a.text).toContain(`- ${NAMES.soon} — Yssingeaux (43) — livrables reçus, récépissé à délivrer — récépissé dû le ${french(due(50))}, dans ${-late(50)} jours`);
    expect(a.text).toContain(`- ${NAMES.draft} — Tence (43) — en préparation\n`);
    expect(a.text).toContain(`- ${NAMES.later} — Montfaucon-en-Velay (43) — livrables reçus, récépissé à délivrer — récépissé dû le ${french(due(10))}, dans ${-late(10)} jours`);
    expect(a.text).toContain('En retard (1)');
    expect(a.text).toContain('Échéances à 15 jours (1)');
    expect(a.text).toContain('Dossiers qui vous sont confiés (4)');
    // The HTML says the same, every value escaped.
    expect(a.html).toContain('<html lang="fr">');
    expect(a.html).toContain('Bonjour Camille &lt;Martin&gt;,');
    expect(a.html).toContain('<strong>MSP &quot;Les Sucs&quot; &amp; &lt;Meygal&gt;</strong> — Yssingeaux (43)');
    expect(a.html).not.toContain('<Meygal>');
    expect(a.html).not.toContain('<Martin>');
    expect(a.html).toContain(`<strong>${NAMES.overdue}</strong> — Les Estables (43) — livrables reçus, récépissé à délivrer`);
    expect(a.html).toContain(`récépissé dû le ${french(due(65))}, en retard de ${late(65)} jour`);
    expect(a.html).toContain(`récépissé dû le ${french(due(50))}`);
    expect(a.html).toContain(`${NAMES.awaiting}</strong> — Le Chambon-sur-Lignon (43) — en attente de la décision du directeur général`);
    expect(a.html).toContain('Échéances à 15 jours (1)</h2>');

    const b = to(B);
    expect(b.subject).toBe(subjectOf(2));
    expect(b.text).toContain(NAMES.otherSoon);
    expect(b.text).toContain(NAMES.overdue);
    expect(b.text).not.toContain(NAMES.draft);
    expect(b.text).toMatch(/^Bonjour,/);

    const d = to(D);
    expect(d.subject).toBe(subjectOf(5));
    expect(d.text.trim()).toBe((await digest(D).expect(200)).body.text.trim());
    expect(d.text).toContain('Décisions à signer (1)');
    expect(d.text).toContain(`- ${NAMES.awaiting} — Le Chambon-sur-Lignon (43) — en attente de la décision du directeur général\n`);
    expect(d.text).toContain('Récépissés à signer (4)');
    // Overdue first, then by due date.
    const order = [NAMES.overdue, NAMES.soon, NAMES.otherSoon, NAMES.later].map((n) => d.text.indexOf(`- ${n} —`, d.text.indexOf('Récépissés à signer')));
    expect(order.every((p) => p > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    for (const n of [65, 50, 48, 10]) {
      expect(d.text).toContain(`récépissé dû le ${french(due(n))}`);
      expect(d.html).toContain(`récépissé dû le ${french(due(n))}`);
    }
    expect(d.html).toContain('Décisions à signer (1)</h2>');
    expect(d.html).toContain('MSP &quot;Les Sucs&quot; &amp; &lt;Meygal&gt;');
  });

  it('one person’s SMTP failure is counted and logged; the others still get theirs', async () => {
    await smtp.take();
    smtp.refuse.add(B.email);
    try {
      expect(await t.app.get(DigestService).sendAll(today())).toEqual({ recipients: 4, sent: 2, skippedEmpty: 1, failed: 1 });
    } finally {
      smtp.refuse.clear();
    }
    expect((await smtp.take()).map((m) => m.to[0]).sort()).toEqual([A.email, D.email].sort());
  });
});

describe('daily digest without SMTP_URL', () => {
  let t: TestApp;
  let instructor: Actor;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    instructor = await actor(t, 'INSTRUCTOR');
    await actor(t, 'INSTRUCTOR', { regionCode: '11' });
  });
  afterAll(() => t.close());

  it('sends nothing (sent 0) while GET /me/digest still answers', async () => {
    const { id } = await makeDossier(t, instructor, { name: 'MSP de Retournac', commune: { name: 'Retournac' } });
    expect(t.app.get(Mailer).enabled).toBe(false);
    expect(await t.app.get(DigestService).sendAll(today())).toEqual({ recipients: 2, sent: 0, skippedEmpty: 1, failed: 0 });
    const body = (await t.http().get('/api/v1/me/digest').set('Authorization', instructor.auth).expect(200)).body;
    expect(body.subject).toBe(subjectOf(1).replace('1 dossiers', '1 dossier'));
    expect(body.sections.find((s: { key: string }) => s.key === 'ASSIGNED').items).toEqual([
      { applicationId: id, projectName: 'MSP de Retournac', communeName: 'Retournac', departmentCode: '43', status: 'DRAFT' },
    ]);
    expect(body.text).toContain('- MSP de Retournac — Retournac (43) — en préparation');
  });
});
