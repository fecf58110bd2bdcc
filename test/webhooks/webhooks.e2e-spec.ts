// Webhooks through the real API, a real PostgreSQL and a real HTTP receiver that checks each
// signature with the Standard Webhooks library: the outbox written with the change, retries
// with the same webhook-id, order per dossier, scope, rotation, test events, redelivery, the
// delivery log, a subscription disabled after failing too long.
import { SecretBox } from '../../src/common/crypto/secret-box.js';
import { TransactionHost } from '../../src/database/transaction-host.js';
import { OutboxRepository } from '../../src/outbox/outbox.repository.js';
import { NotificationSchedule } from '../../src/webhooks/notification-schedule.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, makeDossier, today } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

describe('webhooks', () => {
  let t: TestApp;
  let admin: Actor;
  let instructor: Actor;
  let director: Actor;
  let region: Actor; // a partner of the Région (the whole region)
  let detr43: Actor; // a préfecture de département (43)
  let detr15: Actor; // another département of the region (15)
  const who = () => ({ instructor, director });
  const hooks = '/api/v1/webhooks';

  const subscribe = async (a: Actor, url: string, events: string[], extra: Record<string, unknown> = {}) =>
    (
      await t
        .http()
        .post(hooks)
        .set('Authorization', a.auth)
        .send({ url, events, ...extra })
        .expect(201)
    ).body as { id: string; secret: string; version: number };
  const log = async (a: Actor, id: string, query = '') =>
    (await t.http().get(`${hooks}/${id}/deliveries${query}`).set('Authorization', a.auth).expect(200)).body.items as Record<string, unknown>[];

  beforeAll(async () => {
    t = await startTestApp({
      RATE_LIMIT_PER_MINUTE: '0',
      WEBHOOKS_ALLOW_LOOPBACK: 'true',
      WEBHOOKS_POLL_MS: '50',
      WEBHOOKS_RETRY_BASE_MS: '200',
      WEBHOOKS_TIMEOUT_MS: '1500',
    });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    region = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
    detr43 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] });
    detr15 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '15', funders: ['DETR'] });
  });
  afterAll(() => t.close());

  describe('subscriptions', () => {
    it('answers the secret once, keeps it encrypted, and lists subscriptions without it', async () => {
      const res = await t
        .http()
        .post(hooks)
        .set('Authorization', region.auth)
        .send({ url: 'https://subventions.example.org/hooks', events: ['application.decision_recorded'], description: 'GDA Région' })
        .expect(201);
      expect(res.headers.location).toBe(`/api/v1/webhooks/${res.body.id}`);
      expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(res.body).toMatchObject({ organizationId: region.organizationId, regionCode: '84', departmentCode: null, enabled: true, version: 1 });
      const row = await t.prisma.webhookSubscription.findUniqueOrThrow({ where: { id: res.body.id } });
      expect(row.secretCipher).not.toContain(res.body.secret.slice(6, 20));
      const got = await t.http().get(`${hooks}/${res.body.id}`).set('Authorization', region.auth).expect(200);
      expect(got.body.secret).toBeUndefined();
      expect(JSON.stringify((await t.http().get(hooks).set('Authorization', region.auth).expect(200)).body)).not.toContain(res.body.secret);
      // The ARS admin sees every subscription of the region; another partner only its own.
      expect((await t.http().get(hooks).set('Authorization', admin.auth).expect(200)).body.items.map((w: { id: string }) => w.id)).toContain(res.body.id);
      expect((await t.http().get(hooks).set('Authorization', detr43.auth).expect(200)).body.items.map((w: { id: string }) => w.id)).not.toContain(res.body.id);
      expectProblem(await t.http().get(`${hooks}/${res.body.id}`).set('Authorization', detr43.auth), 404);
      expectProblem(await t.http().get(hooks).set('Authorization', instructor.auth), 403);
      const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { entity: 'webhook', entityId: res.body.id } });
      expect(JSON.stringify(audit.after)).not.toContain(res.body.secret);
    });

    it('refuses targets that are not https or that are private, link-local, metadata or reserved (422), and bad input (400)', async () => {
      for (const url of [
        'ftp://example.org/x',
        'https://10.1.2.3/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://[fd00:ec2::254]/',
        'https://[::ffff:192.168.1.1]/',
        'https://192.168.0.10:8443/',
        'https://user:pass@example.org/',
        'http://example.org/hook',
      ]) {
        const res = await t
          .http()
          .post(hooks)
          .set('Authorization', admin.auth)
          .send({ url, events: ['payment.recorded'] });
        expectProblem(res, 422);
        expect(res.body).toMatchObject({ rule: 'webhook-target' });
      }
      expectProblem(
        await t
          .http()
          .post(hooks)
          .set('Authorization', admin.auth)
          .send({ url: 'https://example.org/', events: ['application.nothing'] }),
        400,
      );
      expectProblem(await t.http().post(hooks).set('Authorization', admin.auth).send({ url: 'https://example.org/', events: [] }), 400);
      // A partner manages its own organisation's only; an admin any of its region's.
      expectProblem(
        await t
          .http()
          .post(hooks)
          .set('Authorization', detr43.auth)
          .send({ url: 'https://example.org/', events: ['payment.recorded'], organizationId: region.organizationId }),
        403,
      );
      const forRegion = await subscribe(admin, 'https://example.org/for-region', ['payment.recorded'], { organizationId: region.organizationId });
      expect((await t.http().get(`${hooks}/${forRegion.id}`).set('Authorization', region.auth).expect(200)).body.organizationId).toBe(region.organizationId);
      const other = await actor(t, 'ADMIN', { regionCode: '11' });
      expectProblem(
        await t
          .http()
          .post(hooks)
          .set('Authorization', other.auth)
          .send({ url: 'https://example.org/', events: ['payment.recorded'], organizationId: region.organizationId }),
        404,
      );
      expectProblem(await t.http().get(`${hooks}/${forRegion.id}`).set('Authorization', other.auth), 404);
    });

    it('changes, pauses and deletes a subscription, with If-Match', async () => {
      const w = await subscribe(detr43, 'https://example.org/a', ['application.status_changed']);
      const patched = await t
        .http()
        .patch(`${hooks}/${w.id}`)
        .set('Authorization', detr43.auth)
        .set('If-Match', '"1"')
        .send({ events: ['document.added'], enabled: false })
        .expect(200);
      expect(patched.body).toMatchObject({ events: ['document.added'], enabled: false, disabledReason: 'paused by its owner', version: 2 });
      expectProblem(await t.http().patch(`${hooks}/${w.id}`).set('Authorization', detr43.auth).set('If-Match', '"1"').send({ enabled: true }), 412);
      // A paused subscription sends nothing, a test event neither (409 saying so).
      expectProblem(await t.http().post(`${hooks}/${w.id}/test`).set('Authorization', detr43.auth), 409);
      // A cursor this list did not give: 400, whatever it holds.
      for (const key of ['2026-12-02T09:15:02.871Z|------------------------------------', '2026-19-39T29:99:99.999Z|01a23722-7e1f-7a02-8b3c-4d5e6f708192']) {
        const cursor = Buffer.from(key).toString('base64url');
        expectProblem(await t.http().get(`${hooks}/${w.id}/deliveries?cursor=${cursor}`).set('Authorization', detr43.auth), 400);
      }
      expectProblem(await t.http().patch(`${hooks}/${w.id}`).set('Authorization', detr43.auth).send({ url: 'https://[fe80::1]/' }), 422);
      await t.http().delete(`${hooks}/${w.id}`).set('Authorization', detr43.auth).expect(204);
      expectProblem(await t.http().get(`${hooks}/${w.id}`).set('Authorization', detr43.auth), 404);
    });
  });

  describe('delivery', () => {
    let receiver: Receiver;
    beforeEach(async () => (receiver = await startReceiver()));
    afterEach(() => receiver.close());

    it('retries a failed delivery with the same webhook-id, signed each time, and keeps a dossier’s events in order', async () => {
      const w = await subscribe(admin, receiver.url, ['application.status_changed']);
      // The first attempt answers 500, the second never answers (a timeout); the third 204.
      receiver.answers.push(500, 'hang');
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SUBMITTED', who());
      const got = await receiver.waitFor(4);
      const [first, second] = [got[0].id, got[3].id];
      expect(got.map((r) => r.id)).toEqual([first, first, first, second]);
      expect(got.map((r) => r.body.data.toStatus)).toEqual(['SITE_MEETING_HELD', 'SITE_MEETING_HELD', 'SITE_MEETING_HELD', 'SUBMITTED']);
      for (const r of got) {
        expect(receiver.verify(r, w.secret)).toMatchObject({ type: 'application.status_changed', version: 1 });
        expect(r.headers['content-type']).toBe('application/json');
      }
      expect(() => receiver.verify(got[0], 'whsec_' + Buffer.alloc(32, 7).toString('base64'))).toThrow();
      // Each attempt is signed at its own time; the body is the same.
      expect(new Set(got.slice(0, 3).map((r) => r.raw)).size).toBe(1);
      expect(got[0].body).toMatchObject({
        type: 'application.status_changed',
        data: { applicationId: id, departmentCode: '43', fromStatus: 'DRAFT', toStatus: 'SITE_MEETING_HELD' },
      });
      // The second event waited for the first's success: order per dossier.
      expect(got[3].at).toBeGreaterThanOrEqual(got[2].at);

      const entries = await log(admin, w.id, `?eventId=${first}`);
      expect(entries.map((e) => [e.attempt, e.status, e.responseStatus])).toEqual([
        [3, 'SUCCEEDED', 204],
        [2, 'FAILED', null],
        [1, 'FAILED', 500],
      ]);
      expect(entries[1].error).toMatch(/no answer within 1500 ms/);
      expect(entries.every((e) => typeof e.durationMs === 'number' && e.deliveryStatus === 'SUCCEEDED')).toBe(true);
      expect(await t.prisma.webhookAttempt.count({ where: { subscriptionId: w.id, succeeded: true } })).toBe(2);
      await t.http().delete(`${hooks}/${w.id}`).set('Authorization', admin.auth).expect(204);
    });

    it('delivers to each partner only the events of its scope', async () => {
      const r43 = receiver;
      const r15 = await startReceiver();
      const rRegion = await startReceiver();
      try {
        const all = ['application.status_changed', 'payment.recorded', 'funding_line.committed'];
        const s43 = await subscribe(detr43, r43.url, all);
        const s15 = await subscribe(detr15, r15.url, all);
        const sRegion = await subscribe(region, rRegion.url, all);
        const { id } = await makeDossier(t, instructor); // a commune of the Haute-Loire (43)
        await advance(t, id, 'SITE_MEETING_HELD', who());
        await r43.waitFor(1);
        await rRegion.waitFor(1);
        // A funder's money: partners receive their own funder's only (through the outbox, as the funding writes do).
        const outbox = t.app.get(OutboxRepository);
        const money = (funder: string) =>
          t.app.get(TransactionHost).transaction(() =>
            outbox.publish({
              type: 'payment.recorded',
              regionCode: '84',
              departmentCode: '43',
              applicationId: id,
              funder,
              data: { applicationId: id, funder, paidCents: '100' },
            }),
          );
        await money('REGION');
        await money('DETR');
        await rRegion.waitFor(2);
        await r43.waitFor(2);
        await new Promise((r) => setTimeout(r, 500));
        expect(r15.received).toHaveLength(0);
        expect(r43.received.map((r) => [r.body.type, r.body.data.funder ?? null])).toEqual([
          ['application.status_changed', null],
          ['payment.recorded', 'DETR'],
        ]);
        expect(rRegion.received.map((r) => [r.body.type, r.body.data.funder ?? null])).toEqual([
          ['application.status_changed', null],
          ['payment.recorded', 'REGION'],
        ]);
        for (const s of [s43, s15, sRegion]) await t.http().delete(`${hooks}/${s.id}`).set('Authorization', admin.auth).expect(204);
      } finally {
        await r15.close();
        await rRegion.close();
      }
    });

    it('signs with both secrets during a rotation, sends test events, and redelivers one with the same id', async () => {
      const w = await subscribe(region, receiver.url, ['application.decision_recorded']);
      const rotated = await t.http().post(`${hooks}/${w.id}/rotate-secret`).set('Authorization', region.auth).expect(200);
      expect(rotated.body.secret).not.toBe(w.secret);
      expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
      const test = await t.http().post(`${hooks}/${w.id}/test`).set('Authorization', region.auth).expect(202);
      const [first] = await receiver.waitFor(1);
      expect(first.id).toBe(test.body.eventId);
      expect(first.body).toMatchObject({ type: 'webhook.test', data: { webhookId: w.id } });
      expect(first.signature.split(' ')).toHaveLength(2);
      // Receivers that still hold the old secret, and those that took the new one, both verify it.
      expect(receiver.verify(first, w.secret)).toBeTruthy();
      expect(receiver.verify(first, rotated.body.secret)).toBeTruthy();

      await t.http().post(`${hooks}/${w.id}/deliveries/${test.body.eventId}/redeliver`).set('Authorization', region.auth).expect(202);
      const again = await receiver.waitFor(2);
      expect(again[1].id).toBe(first.id);
      expect((await log(region, w.id)).map((e) => [e.eventId, e.attempt, e.status])).toEqual([
        [first.id, 1, 'SUCCEEDED'],
        [first.id, 1, 'SUCCEEDED'],
      ]);
      expectProblem(await t.http().post(`${hooks}/${w.id}/deliveries/${w.id}/redeliver`).set('Authorization', region.auth), 404);
      expectProblem(await t.http().post(`${hooks}/${w.id}/test`).set('Authorization', detr15.auth), 404);
      await t.http().delete(`${hooks}/${w.id}`).set('Authorization', region.auth).expect(204);
    });

    it('logs a secret sealed under another key as a failed attempt, and signs again once rotated', async () => {
      const w = await subscribe(region, receiver.url, ['document.added']);
      // As after a change of DATA_ENCRYPTION_KEY (or JWT_SECRET): the stored secret no longer opens.
      await t.prisma.webhookSubscription.update({ where: { id: w.id }, data: { secretCipher: new SecretBox('another key of at least thirty-two bytes').seal(w.secret) } });
      const test = (await t.http().post(`${hooks}/${w.id}/test`).set('Authorization', region.auth).expect(202)).body.eventId as string;
      let entries: Record<string, unknown>[] = [];
      for (let i = 0; i < 100 && entries.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        entries = await log(region, w.id);
      }
      expect(entries[0]).toMatchObject({ eventId: test, status: 'FAILED', responseStatus: null, error: expect.stringMatching(/secret cannot be read with this key: rotate it/) });
      expect(receiver.received).toHaveLength(0);
      // The rotation drops the unreadable secret (it does not sign on during the grace period) and the retry goes out.
      const rotated = await t.http().post(`${hooks}/${w.id}/rotate-secret`).set('Authorization', region.auth).expect(200);
      expect(rotated.body.previousSecretExpiresAt).toBeNull();
      const [got] = await receiver.waitFor(1);
      expect(got.id).toBe(test);
      expect(got.signature.split(' ')).toHaveLength(1);
      expect(receiver.verify(got, rotated.body.secret)).toBeTruthy();
      await t.http().delete(`${hooks}/${w.id}`).set('Authorization', region.auth).expect(204);
    });

    it('keeps the events of a paused subscription, not due, and sends them in order once it is enabled again', async () => {
      const w = await subscribe(admin, receiver.url, ['application.status_changed']);
      await t.http().patch(`${hooks}/${w.id}`).set('Authorization', admin.auth).send({ enabled: false }).expect(200);
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SUBMITTED', who());
      const kept = await t.prisma.$queryRaw<{ paused: boolean }[]>`SELECT next_attempt_at = 'infinity' AS paused FROM webhook_deliveries WHERE subscription_id = ${w.id}::uuid`;
      expect(kept).toEqual([{ paused: true }, { paused: true }]);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(0);
      await t.http().patch(`${hooks}/${w.id}`).set('Authorization', admin.auth).send({ enabled: true }).expect(200);
      const got = await receiver.waitFor(2);
      expect(got.map((r) => r.body.data.toStatus)).toEqual(['SITE_MEETING_HELD', 'SUBMITTED']);
      await t.http().delete(`${hooks}/${w.id}`).set('Authorization', admin.auth).expect(204);
    });

    it('disables a subscription failing for too long, keeps its events, and resumes them in order when enabled again', async () => {
      const w = await subscribe(admin, receiver.url, ['application.status_changed']);
      // Failing for 4 days already.
      await t.prisma.webhookSubscription.update({ where: { id: w.id }, data: { failingSince: new Date(Date.now() - 4 * 86_400_000) } });
      receiver.answers.push(503);
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SUBMITTED', who());
      await receiver.waitFor(1);
      let sub = await t.http().get(`${hooks}/${w.id}`).set('Authorization', admin.auth).expect(200);
      for (let i = 0; i < 40 && sub.body.enabled; i++) {
        await new Promise((r) => setTimeout(r, 50));
        sub = await t.http().get(`${hooks}/${w.id}`).set('Authorization', admin.auth).expect(200);
      }
      expect(sub.body).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/toutes les tentatives échouent depuis 72 heures \(dernière : HTTP 503\)/) });
      expect(await t.prisma.auditLog.count({ where: { entity: 'webhook', entityId: w.id, action: 'webhook.disable', actorKind: 'SYSTEM' } })).toBe(1);
      // The failed delivery is kept, not due (the claim does not scan it), and the log says so.
      const head = await t.prisma.$queryRaw<
        { paused: boolean }[]
      >`SELECT next_attempt_at = 'infinity' AS paused FROM webhook_deliveries WHERE subscription_id = ${w.id}::uuid AND status = 'PENDING' AND attempts > 0`;
      expect(head).toEqual([{ paused: true }]);
      expect((await log(admin, w.id)).map((e) => [e.deliveryStatus, e.nextAttemptAt])).toEqual([['PENDING', null]]);
      await new Promise((r) => setTimeout(r, 600));
      expect(receiver.received).toHaveLength(1);
      await t.http().patch(`${hooks}/${w.id}`).set('Authorization', admin.auth).send({ enabled: true }).expect(200);
      const got = await receiver.waitFor(3);
      expect(got.map((r) => r.body.data.toStatus)).toEqual(['SITE_MEETING_HELD', 'SITE_MEETING_HELD', 'SUBMITTED']);
      await t.http().delete(`${hooks}/${w.id}`).set('Authorization', admin.auth).expect(204);
    });
  });

  describe('the daily job', () => {
    it('records each récépissé due within 15 days or overdue once per due date, and delivers them', async () => {
      const receiver = await startReceiver();
      try {
        const w = await subscribe(detr43, receiver.url, ['application.receipt_due_soon', 'application.receipt_overdue']);
        const soon = (await makeDossier(t, instructor)).id;
        const late = (await makeDossier(t, instructor)).id;
        for (const id of [soon, late]) await advance(t, id, 'DELIVERABLES_RECEIVED', who());
        await t.prisma.$executeRaw`UPDATE applications SET receipt_due_on = (now() AT TIME ZONE 'Europe/Paris')::date + 5 WHERE id = ${soon}::uuid`;
        await t.prisma.$executeRaw`UPDATE applications SET receipt_due_on = (now() AT TIME ZONE 'Europe/Paris')::date - 3 WHERE id = ${late}::uuid`;
        const schedule = t.app.get(NotificationSchedule);
        const first = await schedule.run(today());
        expect(first.deadlineEvents).toBeGreaterThanOrEqual(2);
        // Again the same day (a retried job, a second tick): nothing new.
        expect((await schedule.run(today())).deadlineEvents).toBe(0);
        const got = await receiver.waitFor(2, (r) => [soon, late].includes(String(r.body.data.applicationId)));
        const byDossier = Object.fromEntries(got.map((r) => [r.body.data.applicationId, r.body.type]));
        expect(byDossier).toEqual({ [soon]: 'application.receipt_due_soon', [late]: 'application.receipt_overdue' });
        for (const r of got) expect(receiver.verify(r, w.secret)).toBeTruthy();
      } finally {
        await receiver.close();
      }
    });
  });

  describe('the outbox', () => {
    it('writes no event for a change that is rolled back, and one per change that commits', async () => {
      const outbox = t.app.get(OutboxRepository);
      const before = await t.prisma.outboxEvent.count();
      await expect(
        t.app.get(TransactionHost).transaction(async () => {
          await outbox.publish({ type: 'report_run.finished', regionCode: '84', departmentCode: null, data: {} });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await t.prisma.outboxEvent.count()).toBe(before);
      // A move refused (409) writes nothing either.
      const { id } = await makeDossier(t, instructor);
      expectProblem(await t.http().post(`/api/v1/applications/${id}/deliverables`).set('Authorization', instructor.auth).send({ receivedOn: '2026-01-05' }), 409);
      expect(await t.prisma.outboxEvent.count()).toBe(before);
      await advance(t, id, 'SITE_MEETING_HELD', who());
      const events = await t.prisma.outboxEvent.findMany({ where: { applicationId: id }, orderBy: { seq: 'asc' } });
      // The move, and the pièce its successor needs (uploaded by the walk).
      expect(events.map((e) => e.type)).toEqual(['application.status_changed', 'document.added']);
    });

    it('announces opinions, decisions, récépissés, pièces (letters included) and report runs', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'RECEIPT_ISSUED', who());
      const types = (await t.prisma.outboxEvent.findMany({ where: { applicationId: id }, orderBy: { seq: 'asc' } })).map((e) => e.type);
      for (const type of ['application.opinion_recorded', 'application.decision_recorded', 'application.receipt_issued', 'document.added']) expect(types).toContain(type);
      const decision = await t.prisma.outboxEvent.findFirstOrThrow({ where: { applicationId: id, type: 'application.decision_recorded' } });
      expect(decision.data).toMatchObject({ outcome: 'APPROVED', applicationId: id });
      const receipt = await t.prisma.outboxEvent.findFirstOrThrow({ where: { applicationId: id, type: 'application.receipt_issued' } });
      expect(receipt.data).toMatchObject({ finessEj: '430000123', finessEt: '430000131' });
      // The récépissé letter generated with the move is a pièce added too.
      const letters = await t.prisma.outboxEvent.findMany({ where: { applicationId: id, type: 'document.added' } });
      expect(letters.map((e) => (e.data as { kind: string }).kind)).toEqual(expect.arrayContaining(['REQUEST', 'RECEIPT', 'DECISION_LETTER']));
      // A report run's end, in the run's transaction.
      const run = (await t.http().post('/api/v1/reports/runs').set('Authorization', admin.auth).send({ type: 'PIPELINE', date: today() }).expect(202)).body.items[0].id;
      let finished = null;
      for (let i = 0; i < 100 && !finished; i++) {
        finished = await t.prisma.outboxEvent.findFirst({ where: { type: 'report_run.finished', data: { path: ['runId'], equals: run } } });
        if (!finished) await new Promise((r) => setTimeout(r, 100));
      }
      expect(finished).toMatchObject({ regionCode: '84', departmentCode: null, data: { runId: run, reportType: 'PIPELINE', status: 'SUCCEEDED' } });
    });
  });
});
