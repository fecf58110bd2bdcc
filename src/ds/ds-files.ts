// The pièces of Démarches Simplifiées' dossiers, fetched from the URLs its API answers. Those
// URLs come from outside: a host other than DS's own (DS_API_URL's, which the operator set) is
// reached only on public addresses, checked when the name is resolved (target-guard.ts), and
// redirects are followed a few times, each hop checked the same way. No Nest, no database.
import type { IncomingMessage } from 'node:http';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { guardedLookup, targetRefusal } from '../common/http/target-guard.js';

const MAX_REDIRECTS = 3;

export class PieceRefused extends Error {}

/**
 * The answer to GET `url` (a 2xx, its body unread), within `timeoutMs` for the whole exchange
 * (the caller reads the body before it ends); a refusal, a non-2xx or a timeout rejects.
 */
export function openPiece(url: string, options: { trustedOrigin: string; timeoutMs: number }, hops = 0): Promise<IncomingMessage> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new PieceRefused('its URL is not a URL'));
  }
  const trusted = target.origin === options.trustedOrigin;
  if (!trusted) {
    const refusal = targetRefusal(url, false);
    if (refusal) return Promise.reject(new PieceRefused(`its URL ${refusal}`));
  } else if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return Promise.reject(new PieceRefused('its URL is not http(s)'));
  }
  return new Promise((resolve, reject) => {
    const req = (target.protocol === 'https:' ? httpsGet : httpGet)(
      target,
      { ...(!trusted && { lookup: guardedLookup(false) }), agent: false, timeout: options.timeoutMs },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          if (hops >= MAX_REDIRECTS) return reject(new PieceRefused(`more than ${MAX_REDIRECTS} redirects`));
          return resolve(openPiece(new URL(res.headers.location, target).toString(), options, hops + 1));
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return reject(new PieceRefused(`HTTP ${status}`));
        }
        res.setTimeout(options.timeoutMs, () => res.destroy(new Error(`no byte for ${options.timeoutMs} ms`)));
        resolve(res);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRFORBIDDEN' ? new PieceRefused(error.message) : error));
  });
}
