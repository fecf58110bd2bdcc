// A real HTTP receiver for webhooks: records every request, answers as told, and checks each
// signature with the Standard Webhooks library itself.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: { type: string; version: number; timestamp: string; data: Record<string, unknown> };
  at: number;
}

/** How to answer a request: a status, or 'hang' (never answer: a timeout, a worker killed meanwhile). */
export type Answer = number | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Answers, in turn, for the next requests; then 204. */
  answers: Answer[];
  /** Verifies a received request with `secret` (throws WebhookVerificationError when it does not hold). */
  verify(r: Received, secret: string): unknown;
  /** Resolves once `count` requests (matching `filter`) have arrived. */
  waitFor(count: number, filter?: (r: Received) => boolean, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const answers: Answer[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        headers: req.headers,
        raw,
        body: JSON.parse(raw),
        at: Date.now(),
      });
      const answer = answers.shift() ?? 204;
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer).end(answer >= 300 ? 'not now' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answers,
    verify: (r, secret) => new Webhook(secret).verify(r.raw, { 'webhook-id': r.id, 'webhook-timestamp': r.timestamp, 'webhook-signature': r.signature }),
    async waitFor(count, filter = () => true, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = received.filter(filter);
        if (matching.length >= count) return matching;
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook request(s), got ${matching.length}: ${JSON.stringify(received.map((r) => r.body.type))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
