// The pure parts of webhooks: where a delivery may go (SSRF guard), when a failed one is tried
// again, what a dossier's move announces, the signature, the secrets at rest.
import { Webhook } from 'standardwebhooks';
import { SecretBox } from '../../src/common/crypto/secret-box.js';
import { loadConfig } from '../../src/config/config.js';
import { moveEvents } from '../../src/outbox/dossier-events.js';
import { MAX_RETRY_DELAY_MS, retryDelayMs, shortestRetrySpanMs } from '../../src/webhooks/retry-schedule.js';
import { addressRefusal, guardedLookup, targetRefusal } from '../../src/common/http/target-guard.js';
import { eventBody, send, sign } from '../../src/webhooks/webhook-sender.js';

describe('addressRefusal', () => {
  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    'fd00:ec2::254',
    'fe80::1',
    'fc00::1',
    'ff02::1',
    '::',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::192.168.0.1',
    '2001:db8::1',
    '::7f00:1',
    '::a9fe:a9fe',
    '::ffff:0:a9fe:a9fe',
  ])('refuses %s', (ip) => expect(addressRefusal(ip, true)).toMatch(/private, link-local or reserved/));

  it.each(['8.8.8.8', '93.184.216.34', '2a00:1450:4007:80e::200e', '::ffff:8.8.8.8', '172.32.0.1', '192.169.0.1'])('allows %s', (ip) =>
    expect(addressRefusal(ip, false)).toBeNull(),
  );

  it('allows loopback only when told', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(addressRefusal(ip, false)).toMatch(/loopback/);
      expect(addressRefusal(ip, true)).toBeNull();
    }
  });
});

describe('targetRefusal', () => {
  it('takes https URLs to public hosts', () => {
    expect(targetRefusal('https://hooks.region.example.org/msp?x=1', false)).toBeNull();
    expect(targetRefusal('https://93.184.216.34:8443/h', false)).toBeNull();
  });

  it.each([
    ['http://hooks.example.org/', /https/],
    ['ftp://hooks.example.org/', /https/],
    ['not a url', /not a valid URL/],
    ['https://u:p@hooks.example.org/', /credentials/],
    ['https://hooks.example.org/#x', /fragment/],
    ['https://localhost/', /localhost/],
    ['https://a.localhost/', /localhost/],
    ['https://localhost./', /localhost/],
    ['https://x.localhost./', /localhost/],
    ['https://10.0.0.8/', /private/],
    ['https://[fe80::1]/', /private/],
    ['https://0x7f.1/', /loopback/],
    ['https://2130706433/', /loopback/],
    ['https://[::ffff:169.254.169.254]/', /private/],
  ])('refuses %s', (url, why) => expect(targetRefusal(url, false)).toMatch(why));

  it('allows http on a loopback host in development only', () => {
    expect(targetRefusal('http://127.0.0.1:4000/h', true)).toBeNull();
    expect(targetRefusal('http://localhost:4000/h', true)).toBeNull();
    expect(targetRefusal('http://[::1]:4000/h', true)).toBeNull();
    expect(targetRefusal('http://127.0.0.1:4000/h', false)).toMatch(/https/);
    expect(targetRefusal('http://10.0.0.1:4000/h', true)).toMatch(/https/);
  });
});

describe('guardedLookup and send', () => {
  it('refuses a name that resolves to a forbidden address, at connection time', async () => {
    const refused = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup(false)('localhost', {}, (error) => resolve(error)));
    expect(refused).toMatchObject({ code: 'EADDRFORBIDDEN', message: 'localhost resolves to a private, link-local, loopback or reserved address' });
    const allowed = await new Promise<unknown>((resolve) => guardedLookup(true)('localhost', { all: true }, (error, addresses) => resolve(error ?? addresses)));
    expect(allowed).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]));
  });

  it('never connects to a forbidden target, and says why', async () => {
    const signed = sign('evt', '{}', ['whsec_' + Buffer.alloc(32, 1).toString('base64')]);
    expect(await send('http://127.0.0.1:9/h', signed, { timeoutMs: 500, allowLoopback: false })).toMatchObject({
      succeeded: false,
      responseStatus: null,
      error: expect.stringMatching(/target refused/),
    });
    expect(await send('https://169.254.169.254/latest', signed, { timeoutMs: 500, allowLoopback: true })).toMatchObject({
      succeeded: false,
      error: expect.stringMatching(/target refused/),
    });
  });
});

describe('retry schedule', () => {
  it('doubles from the base, up to 6 h, with at most 25 % jitter', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000, 0))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(20, 30_000, 0)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(3, 30_000, 0.999)).toBeLessThanOrEqual(150_000);
    expect(retryDelayMs(3, 30_000, 0.5)).toBe(135_000);
  });

  it('spans more than 24 h with the defaults, and more than the failing time that disables a subscription, however the jitter falls', () => {
    const config = loadConfig({});
    const { maxAttempts, retryBaseMs, disableAfterHours } = config.notifications.webhooks;
    expect(shortestRetrySpanMs(maxAttempts, retryBaseMs)).toBeGreaterThanOrEqual(24 * 3_600_000);
    // No event is given up while its subscription is still enabled and failing: it is disabled first, its events kept.
    expect(shortestRetrySpanMs(maxAttempts, retryBaseMs)).toBeGreaterThan(disableAfterHours * 3_600_000);
    expect(shortestRetrySpanMs(maxAttempts - 1, retryBaseMs)).toBeLessThan(disableAfterHours * 3_600_000);
  });

  it('refuses loopback targets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), WEBHOOKS_ALLOW_LOOPBACK: 'true' })).toThrow(/WEBHOOKS_ALLOW_LOOPBACK/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), OUTBOX_OFF_FOR_BENCH: 'true' })).toThrow(/OUTBOX_OFF_FOR_BENCH/);
  });
});

describe('moveEvents', () => {
  const dossier = { id: 'a1', regionCode: '84', departmentCode: '43' };
  it('announces a status change, and the decision with its outcome', () => {
    const events = moveEvents(dossier, {
      action: 'APPROVE',
      fromStatus: 'AWAITING_DECISION',
      toStatus: 'STEP2_IN_PROGRESS',
      event: { type: 'APPROVED', reason: 'Projet conforme', data: { decidedOn: '2026-11-30' } },
    });
    expect(events.map((e) => e.type)).toEqual(['application.status_changed', 'application.decision_recorded']);
    expect(events[1]).toMatchObject({
      regionCode: '84',
      departmentCode: '43',
      applicationId: 'a1',
      data: { outcome: 'APPROVED', decidedOn: '2026-11-30', reason: 'Projet conforme' },
    });
  });

  it('announces no status change for a move that keeps the status', () => {
    const events = moveEvents(dossier, { action: 'NOTE_INFORMATION', fromStatus: 'STEP3_IN_PROGRESS', toStatus: 'STEP3_IN_PROGRESS', event: { type: 'CARPEC_INFORMATION_NOTED' } });
    expect(events).toEqual([]);
  });
});

describe('signature and secrets', () => {
  it('signs as the Standard Webhooks library verifies, with every secret given', () => {
    const [a, b] = ['whsec_' + Buffer.alloc(32, 1).toString('base64'), 'whsec_' + Buffer.alloc(32, 2).toString('base64')];
    const body = eventBody({ type: 'payment.recorded', version: 1, occurredAt: new Date('2026-12-02T10:00:00Z'), data: { paidCents: '100' } });
    const signed = sign('01a2-evt', body, [a, b]);
    const headers = { 'webhook-id': signed.id, 'webhook-timestamp': String(Math.floor(signed.timestamp.getTime() / 1000)), 'webhook-signature': signed.signature };
    expect(new Webhook(a).verify(body, headers)).toEqual({ type: 'payment.recorded', version: 1, timestamp: '2026-12-02T10:00:00.000Z', data: { paidCents: '100' } });
    expect(new Webhook(b).verify(body, headers)).toBeTruthy();
    expect(() => new Webhook(a).verify(body.replace('100', '101'), headers)).toThrow();
  });

  it('keeps secrets sealed: opened with the same key only, and a tampered one fails', () => {
    const box = new SecretBox('a key of at least thirty-two bytes!!');
    const sealed = box.seal('whsec_secret');
    expect(sealed).not.toContain('secret');
    expect(box.open(sealed)).toBe('whsec_secret');
    expect(box.seal('whsec_secret')).not.toBe(sealed);
    expect(() => new SecretBox('another key of at least thirty-two bytes').open(sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x' + Buffer.from(parts[3], 'base64url').toString('latin1'), 'latin1').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });
});
