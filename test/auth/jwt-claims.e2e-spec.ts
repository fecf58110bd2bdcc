// Access tokens carry their time (issue 17): a token signed with the service's secret but
// without `exp`, without `iat`, with `iat` in the future (beyond 30 s of skew) or living longer
// than an access token may is refused with 401; issuer, audience and algorithm stay checked.
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { CLOCK_SKEW_SECONDS, timeClaimsRefusal } from '../../src/auth/jwt.strategy.js';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';

const ISSUER = 'msp-funding';
const AUDIENCE = 'msp-funding-api';
const TTL = 900; // JWT_ACCESS_TTL_SECONDS's default, which the test app keeps

describe('JWT time claims: exp required, iat not in the future', () => {
  let t: TestApp;
  let admin: Actor;
  const now = () => Math.floor(Date.now() / 1000);
  /** A token signed with the test secret; jsonwebtoken adds iat = now unless it is given (or noTimestamp). */
  const sign = (payload: Record<string, unknown>, options: jwt.SignOptions = {}) =>
    jwt.sign({ sub: admin.userId, kind: 'USER', iss: ISSUER, aud: AUDIENCE, ...payload }, TEST_ENV.JWT_SECRET, { algorithm: 'HS256', ...options });
  /** Signed by hand: jsonwebtoken would refuse to sign a non-numeric exp. */
  const signRaw = (payload: Record<string, unknown>) => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const data = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: admin.userId, kind: 'USER', iss: ISSUER, aud: AUDIENCE, ...payload })}`;
    return `${data}.${createHmac('sha256', TEST_ENV.JWT_SECRET).update(data).digest('base64url')}`;
  };
  const me = (token: string) => t.http().get('/api/v1/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
  });
  afterAll(() => t.close());

  it('accepts a token shaped like the ones the service issues (and the service issues exp and iat)', async () => {
    await me(sign({ iat: now(), exp: now() + TTL })).expect(200);
    // Within the skew: another instance's clock a little ahead.
    await me(sign({ iat: now() + CLOCK_SKEW_SECONDS - 5, exp: now() + TTL })).expect(200);
    const issued = jwt.decode(admin.token) as { iat: number; exp: number; iss: string; aud: string };
    expect(issued).toMatchObject({ iss: ISSUER, aud: AUDIENCE });
    expect(issued.exp - issued.iat).toBe(TTL);
  });

  it('refuses a signed token without exp with 401', async () => {
    const token = sign({});
    expect(jwt.decode(token)).not.toHaveProperty('exp');
    expect(jwt.decode(token)).toHaveProperty('iat');
    const problem = expectProblem(await me(token), 401);
    expect(JSON.stringify(problem)).not.toContain(TEST_ENV.JWT_SECRET);
  });

  it('refuses a token whose exp is not a number, and one without iat', async () => {
    await me(signRaw({ iat: now(), exp: now() + TTL })).expect(200); // the hand signer is right
    expectProblem(await me(signRaw({ iat: now(), exp: String(now() + TTL) })), 401);
    const noIat = sign({ exp: now() + TTL }, { noTimestamp: true });
    expect(jwt.decode(noIat)).not.toHaveProperty('iat');
    expectProblem(await me(noIat), 401);
  });

  it('refuses a token issued in the future beyond the clock skew', async () => {
    expectProblem(await me(sign({ iat: now() + CLOCK_SKEW_SECONDS + 60, exp: now() + TTL })), 401);
    expectProblem(await me(sign({ iat: now() + 86_400, exp: now() + 86_400 + TTL })), 401);
  });

  it('refuses a token living longer than an access token (exp a year away)', async () => {
    expectProblem(await me(sign({ iat: now(), exp: now() + 365 * 86_400 })), 401);
  });

  it('keeps refusing an expired token, another issuer, another audience and another algorithm', async () => {
    expectProblem(await me(sign({ iat: now() - 1000, exp: now() - 100 })), 401);
    expectProblem(await me(sign({ iat: now(), exp: now() + TTL, iss: 'someone-else' })), 401);
    expectProblem(await me(sign({ iat: now(), exp: now() + TTL, aud: 'another-api' })), 401);
    expectProblem(await me(sign({ iat: now(), exp: now() + TTL }, { algorithm: 'HS512' })), 401);
    const unsigned = jwt.sign({ sub: admin.userId, kind: 'USER', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + TTL }, '', { algorithm: 'none' });
    expectProblem(await me(unsigned), 401);
  });
});

describe('timeClaimsRefusal (pure)', () => {
  const at = 1_800_000_000;
  it('names what is wrong, or nothing', () => {
    expect(timeClaimsRefusal({ iat: at, exp: at + 900 }, 900, at)).toBeNull();
    expect(timeClaimsRefusal({ iat: at + 30, exp: at + 930 }, 900, at)).toBeNull();
    expect(timeClaimsRefusal({ iat: at }, 900, at)).toMatch(/no exp/);
    expect(timeClaimsRefusal({ iat: at, exp: null }, 900, at)).toMatch(/no exp/);
    expect(timeClaimsRefusal({ iat: at, exp: Number.NaN }, 900, at)).toMatch(/no exp/);
    expect(timeClaimsRefusal({ exp: at + 900 }, 900, at)).toMatch(/no iat/);
    expect(timeClaimsRefusal({ iat: at + 31, exp: at + 931 }, 900, at)).toMatch(/future/);
    expect(timeClaimsRefusal({ iat: at, exp: at + 931 }, 900, at)).toMatch(/longer/);
  });
});
