// The console's one door to the service: the typed client of the contract (no hand-written
// fetch), an access token kept in memory only, renewed through the session cookie (HttpOnly,
// SameSite=Strict: no script can read it). SECURITY.md, Console.
import { createClient, type components } from '../../clients/typescript/src/index.js';

export type Schemas = components['schemas'];
/** The API's problem; `local` when the page itself refused what was typed, before sending it. */
export type Problem = Schemas['Problem'] & { rule?: string; errors?: { field: string; message: string }[]; missing?: string[]; local?: boolean };

let accessToken: string | undefined;
let renewal: ReturnType<typeof setTimeout> | undefined;

export const api = createClient({ baseUrl: window.location.origin, accessToken: () => accessToken });

/** What a call answered: its data, or the problem the API gave (never thrown). */
export type Answer<T> = { data: T; problem?: undefined } | { data?: undefined; problem: Problem };

/** Who wants to know that a session is there again (a page whose reading was refused for want of one). */
const renewedListeners = new Set<() => void>();
export function onSession(then: () => void): () => void {
  renewedListeners.add(then);
  return () => renewedListeners.delete(then);
}

function keep(session: Schemas['ConsoleSessionDto']): void {
  const back = accessToken === undefined;
  accessToken = session.accessToken;
  if (back) for (const then of renewedListeners) then();
  clearTimeout(renewal);
  // A minute before it expires (the API's 900 s by default), through the cookie.
  renewal = setTimeout(() => void refresh(), Math.max(10, session.expiresIn - 60) * 1000);
}

export async function signIn(email: string, password: string): Promise<Problem | undefined> {
  const { data, error, response } = await api.POST('/api/v1/auth/session', { body: { email, password } });
  if (data) keep(data);
  return data ? undefined : problemOf(error, response);
}

/** What a renewal did: a new access token, a session that has ended (401), or no answer worth trusting (busy, offline). */
export type Renewal = 'renewed' | 'ended' | 'failed';
let renewing: Promise<Renewal> | undefined;

/**
 * Resumes the session of the cookie (a page reloaded), or renews the access token. One renewal
 * at a time — in this page (calls answered 401 together share it) and across the browser's
 * tabs (a lock): the cookie's token works once, and a second use would revoke the session.
 */
export function refresh(): Promise<Renewal> {
  renewing ??= (async () => {
    const renew = async (): Promise<Renewal> => {
      try {
        const { data, response } = await api.POST('/api/v1/auth/session/refresh');
        if (data) keep(data);
        else if (response.status === 401) accessToken = undefined;
        return data ? 'renewed' : response.status === 401 ? 'ended' : 'failed';
      } catch {
        return 'failed';
      }
    };
    try {
      return navigator.locks ? await navigator.locks.request('msp-session-refresh', renew) : await renew();
    } finally {
      renewing = undefined;
    }
  })();
  return renewing;
}

export async function signOut(): Promise<void> {
  clearTimeout(renewal);
  await api.DELETE('/api/v1/auth/session');
  accessToken = undefined;
}

let lost: (() => void) | undefined;
/** What to do when the session is gone (expired, revoked, signed out in another tab): sign in again. */
export function onSessionLost(then: () => void): void {
  lost = then;
}

/** Runs a call of the typed client; an expired access token is renewed once and the call sent again. */
export async function call<T>(send: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Answer<T>> {
  let res = await send();
  if (res.response.status === 401) {
    const renewal = await refresh();
    if (renewal === 'renewed') res = await send();
    else if (renewal === 'ended') lost?.();
  }
  if (res.data !== undefined && res.response.ok) return { data: res.data };
  if (res.response.ok) return { data: undefined as T };
  return { problem: problemOf(res.error, res.response) };
}

function problemOf(error: unknown, response: Response): Problem {
  if (error && typeof error === 'object' && 'status' in error) return error as Problem;
  return { type: 'about:blank', title: response.statusText || 'Erreur', status: response.status, detail: `Le service a répondu ${response.status}.` } as Problem;
}
