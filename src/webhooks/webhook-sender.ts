import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { guardedLookup, targetRefusal } from '../common/http/target-guard.js';

export interface Signed {
  id: string;
  timestamp: Date;
  body: string;
  /** `v1,<base64>`, one per valid secret, separated by spaces (Standard Webhooks). */
  signature: string;
}

export interface SendResult {
  succeeded: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

/** The body every delivery carries: the event's type and version, when it happened, what it says. */
export function eventBody(e: { type: string; version: number; occurredAt: Date; data: unknown }): string {
  return JSON.stringify({ type: e.type, version: e.version, timestamp: e.occurredAt.toISOString(), data: e.data });
}

/** Signs per the Standard Webhooks specification with each secret given (the current one, and the previous during a rotation's grace). */
export function sign(id: string, body: string, secrets: string[], timestamp = new Date()): Signed {
  return { id, timestamp, body, signature: secrets.map((s) => new Webhook(s).sign(id, timestamp, body)).join(' ') };
}

const RESPONSE_KEPT = 64 * 1024;

/**
 * One attempt: POST the signed body to `url`, within `timeoutMs` from connection to last
 * byte; a 2xx is a success, anything else (a redirect included: not followed) a failure. The
 * target is checked again here, its name resolved and every address checked (target-guard).
 */
export function send(url: string, signed: Signed, options: { timeoutMs: number; allowLoopback: boolean }): Promise<SendResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  const failed = (error: string, responseStatus: number | null = null): SendResult => ({ succeeded: false, responseStatus, durationMs: elapsed(), error: error.slice(0, 500) });

  const refusal = targetRefusal(url, options.allowLoopback);
  if (refusal) return Promise.resolve(failed(`target refused: the URL ${refusal}`));
  const target = new URL(url);

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const done = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        lookup: guardedLookup(options.allowLoopback),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'msp-funding-webhooks/1',
          'webhook-id': signed.id,
          'webhook-timestamp': String(Math.floor(signed.timestamp.getTime() / 1000)),
          'webhook-signature': signed.signature,
        },
        agent: false,
      },
      (res: IncomingMessage) => {
        let kept = 0;
        // The body is read (to the limit) and dropped: a receiver's answer is not ours to keep.
        res.on('data', (chunk: Buffer) => {
          kept += chunk.length;
          if (kept > RESPONSE_KEPT) res.destroy();
        });
        const status = res.statusCode ?? 0;
        const finish = () =>
          done(
            status >= 200 && status < 300
              ? { succeeded: true, responseStatus: status, durationMs: elapsed(), error: null }
              : failed(status >= 300 && status < 400 ? `redirect to ${res.headers.location ?? '?'} not followed` : `HTTP ${status}`, status),
          );
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      done(failed(`no answer within ${options.timeoutMs} ms`));
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      done(failed(error.code === 'EADDRFORBIDDEN' ? `target refused: ${error.message}` : `${error.code ?? 'error'}: ${error.message}`)),
    );
    req.end(signed.body);
  });
}
