// At least once, exactly one success: a worker process (`npm run worker`) killed with SIGKILL
// while a receiver holds its delivery open; a new worker delivers the event again, with the
// same webhook-id, once the dead one's lease has passed, and the log records one success.
import { type ChildProcess, spawn } from 'node:child_process';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app.js';
import { advance, makeDossier } from '../helpers/dossiers.js';
import { actor, type Actor } from '../helpers/factories.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

describe('a worker killed mid-delivery', () => {
  let t: TestApp;
  let receiver: Receiver;
  const workers: ChildProcess[] = [];

  /** `node dist/cli/worker.js` on the test's database, with short webhook timings. */
  const startWorker = () => {
    const child = spawn(process.execPath, ['dist/cli/worker.js'], {
      env: {
        PATH: process.env.PATH,
        ...TEST_ENV,
        DATABASE_URL: t.databaseUrl,
        WEBHOOKS_ALLOW_LOOPBACK: 'true',
        WEBHOOKS_POLL_MS: '50',
        WEBHOOKS_TIMEOUT_MS: '1000',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    workers.push(child);
    return child;
  };

  beforeAll(async () => {
    // The API instance of this test sends nothing: only the worker processes deliver.
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0', WORKERS_ENABLED: 'false', WEBHOOKS_ALLOW_LOOPBACK: 'true' });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await receiver.close();
    await t.close();
  });

  it('delivers the event after a restart, with the same webhook-id, and records exactly one success', async () => {
    const admin: Actor = await actor(t, 'ADMIN');
    const who = { instructor: await actor(t, 'INSTRUCTOR'), director: await actor(t, 'DIRECTOR') };
    const w = (
      await t
        .http()
        .post('/api/v1/webhooks')
        .set('Authorization', admin.auth)
        .send({ url: receiver.url, events: ['application.status_changed'] })
        .expect(201)
    ).body;
    const { id } = await makeDossier(t, who.instructor);
    await advance(t, id, 'SITE_MEETING_HELD', who);

    receiver.answers.push('hang');
    const first = startWorker();
    const [held] = await receiver.waitFor(1, undefined, 60_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // The dead worker's claim is still there; nothing is recorded for its attempt.
    const claimed = await t.prisma.webhookDelivery.findFirstOrThrow({ where: { subscriptionId: w.id } });
    expect(claimed).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(claimed.leaseUntil!.getTime()).toBeGreaterThan(Date.now());

    startWorker();
    const [, again] = await receiver.waitFor(2, undefined, 60_000);
    expect(again.id).toBe(held.id);
    expect(again.raw).toBe(held.raw);
    // Not before the dead worker's lease (its timeout + 5 s) had passed.
    expect(again.at).toBeGreaterThanOrEqual(claimed.leaseUntil!.getTime() - 50);
    for (let i = 0; i < 100 && (await t.prisma.webhookAttempt.count({ where: { subscriptionId: w.id } })) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const attempts = await t.prisma.webhookAttempt.findMany({ where: { subscriptionId: w.id } });
    expect(attempts.map((a) => [a.attempt, a.succeeded, a.responseStatus])).toEqual([[2, true, 204]]);
    expect(await t.prisma.webhookDelivery.findFirstOrThrow({ where: { subscriptionId: w.id } })).toMatchObject({ status: 'SUCCEEDED', leaseUntil: null });
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(2);
  }, 90_000);
});
