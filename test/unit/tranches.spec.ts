import fc from 'fast-check';
import {
  ADVANCE_BPS,
  BEFORE_COMPLETION_BPS,
  commitmentRefusal,
  type LineState,
  lineRefusal,
  minimumBase,
  minimumCommitment,
  mulBps,
  type PaymentKind,
  paymentRefusal,
  toRecover,
  totals,
} from '../../src/funding/tranches.js';

const KINDS: PaymentKind[] = ['ADVANCE', 'INSTALMENT', 'BALANCE'];
const line = (o: Partial<LineState> = {}): LineState => ({
  planStatus: 'COMMITTED',
  dossierStatus: 'STEP2_IN_PROGRESS',
  amountCents: 10_000_000n,
  committedCents: 8_000_000n,
  payments: [],
  ...o,
});

describe('tranches: payments within the rules', () => {
  it('applies the turn-1 rules unchanged: advance ≤ 30 %, advances + instalments ≤ 80 % before completion, balance after, paid ≤ committed', () => {
    expect(paymentRefusal(line(), 'ADVANCE', 2_400_001n)).toMatchObject({ status: 422, rule: 'advance-limit', values: { limitCents: 2_400_000n } });
    expect(paymentRefusal(line(), 'ADVANCE', 2_400_000n)).toBeNull();
    const advanced = line({ payments: [{ kind: 'ADVANCE', amountCents: 2_400_000n }] });
    expect(paymentRefusal(advanced, 'INSTALMENT', 4_000_001n)).toMatchObject({ rule: 'before-completion-limit', values: { limitCents: 6_400_000n } });
    expect(paymentRefusal(advanced, 'INSTALMENT', 4_000_000n)).toBeNull();
    expect(paymentRefusal(advanced, 'BALANCE', 1n)).toMatchObject({ rule: 'balance-before-completion' });
    const done = line({
      dossierStatus: 'COMPLETED',
      payments: [
        { kind: 'ADVANCE', amountCents: 2_400_000n },
        { kind: 'INSTALMENT', amountCents: 4_000_000n },
      ],
    });
    expect(paymentRefusal(done, 'BALANCE', 1_600_001n)).toMatchObject({ rule: 'paid-above-commitment' });
    expect(paymentRefusal(done, 'BALANCE', 1_600_000n)).toBeNull();
    expect(paymentRefusal(line({ committedCents: null }), 'ADVANCE', 1n)).toMatchObject({ status: 422, rule: 'no-commitment' });
  });

  it('refuses anything on a released plan (409 plan-released), on a dossier that left the procedure, or on a plan not committed', () => {
    expect(paymentRefusal(line({ planStatus: 'RELEASED', dossierStatus: 'WITHDRAWN' }), 'ADVANCE', 1n)).toMatchObject({ status: 409, rule: 'plan-released' });
    expect(commitmentRefusal(line({ planStatus: 'RELEASED', dossierStatus: 'CLOSED' }), 8_000_000n)).toMatchObject({ status: 409, rule: 'plan-released' });
    for (const dossierStatus of ['WITHDRAWN', 'CLOSED', 'REJECTED']) {
      expect(paymentRefusal(line({ dossierStatus }), 'ADVANCE', 1n)).toMatchObject({ status: 409, rule: 'dossier-left-procedure', values: { dossierStatus } });
      expect(paymentRefusal(line({ dossierStatus, planStatus: 'COMPUTED' }), 'ADVANCE', 1n)).toMatchObject({ status: 409, rule: 'dossier-left-procedure' });
    }
    expect(lineRefusal({ planStatus: 'COMPUTED', dossierStatus: 'STEP2_IN_PROGRESS' })).toMatchObject({ status: 409, rule: 'plan-not-committed' });
    expect(lineRefusal({ planStatus: 'COMMITTED', dossierStatus: 'COMPLETED' })).toBeNull();
  });

  it('shows as to recover what was paid once released, 0 before', () => {
    expect(toRecover('RELEASED', 2_400_000n)).toBe(2_400_000n);
    expect(toRecover('COMMITTED', 2_400_000n)).toBe(0n);
    expect(toRecover('RELEASED', 0n)).toBe(0n);
  });
});

describe('tranches: the minimum commitment', () => {
  it('the user case: after a 30 % advance on 8,000,000 the commitment may not drop below 8,000,000', () => {
    const advanced = line({ payments: [{ kind: 'ADVANCE', amountCents: 2_400_000n }] });
    expect(minimumCommitment(advanced.payments, false)).toEqual({ minimumCents: 8_000_000n, boundBy: 'ADVANCE_LIMIT' });
    expect(commitmentRefusal(advanced, 7_999_999n)).toMatchObject({
      status: 422,
      rule: 'commitment-below-tranches',
      values: { minimumCents: 8_000_000n, advancesCents: 2_400_000n },
    });
    expect(commitmentRefusal(advanced, 3_000_000n)).toMatchObject({ rule: 'commitment-below-tranches', values: { minimumCents: 8_000_000n } });
    expect(commitmentRefusal(advanced, 8_000_000n)).toBeNull();
    expect(commitmentRefusal(advanced, 10_000_000n)).toBeNull();
    expect(commitmentRefusal(advanced, 10_000_001n)).toMatchObject({ rule: 'commitment-above-amount', values: { maxCents: 10_000_000n } });
  });

  it('is exact to the cent with floor rounding: 1 cent of advance needs 4 cents committed (floor(3 × 30 %) = 0)', () => {
    expect(minimumBase(1n, ADVANCE_BPS)).toBe(4n);
    expect(minimumBase(0n, ADVANCE_BPS)).toBe(0n);
    expect(minimumBase(3n, ADVANCE_BPS)).toBe(10n);
    expect(minimumBase(4n, BEFORE_COMPLETION_BPS)).toBe(5n);
    expect(minimumBase(5n, BEFORE_COMPLETION_BPS)).toBe(7n); // floor(6 × 0.8) = 4, floor(7 × 0.8) = 5
  });

  it('the 80 % rule binds before completion only; below what is paid keeps its rule name', () => {
    const payments = [
      { kind: 'ADVANCE', amountCents: 1_000_000n },
      { kind: 'INSTALMENT', amountCents: 5_400_000n },
    ] as const;
    expect(minimumCommitment(payments, false)).toEqual({ minimumCents: 8_000_000n, boundBy: 'BEFORE_COMPLETION_LIMIT' });
    expect(minimumCommitment(payments, true)).toEqual({ minimumCents: 6_400_000n, boundBy: 'PAID' });
    expect(commitmentRefusal(line({ dossierStatus: 'COMPLETED', payments }), 6_399_999n)).toMatchObject({
      rule: 'commitment-below-paid',
      values: { minimumCents: 6_400_000n, paidCents: 6_400_000n },
    });
    expect(minimumCommitment([], false)).toEqual({ minimumCents: 0n, boundBy: 'NONE' });
  });

  it('property: minimumBase(a) is the smallest C with floor(C × bps) ≥ a', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.constantFrom(ADVANCE_BPS, BEFORE_COMPLETION_BPS, 1n, 3333n, 10_000n), (a, bps) => {
        const c = minimumBase(a, bps);
        expect(mulBps(c, bps) >= a).toBe(true);
        if (c > 0n) expect(mulBps(c - 1n, bps) < a).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

// A line's life: commitment changes, payments, completion, release, each applied only when
// the pure rules accept it, as the service does.
type Op =
  | { op: 'commit'; cents: bigint }
  | { op: 'commitMinimum'; offset: bigint }
  | { op: 'pay'; kind: PaymentKind; cents: bigint }
  | { op: 'payAll'; kind: PaymentKind }
  | { op: 'complete' }
  | { op: 'release' };

const AMOUNT = 10_000_000n;
const cents = fc.oneof(fc.bigInt({ min: 1n, max: 20n }), fc.bigInt({ min: 1n, max: AMOUNT }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('commit' as const), cents: fc.oneof(fc.bigInt({ min: 0n, max: AMOUNT + 10n }), fc.bigInt({ min: 0n, max: 50n })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('commitMinimum' as const), offset: fc.bigInt({ min: -2n, max: 2n }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('pay' as const), kind: fc.constantFrom(...KINDS), cents }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('payAll' as const), kind: fc.constantFrom(...KINDS) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'complete' as const }) },
);
/** A sequence, released (the dossier withdrawn) at most once, anywhere or never. */
const sequenceArb = fc
  .tuple(fc.array(opArb, { minLength: 5, maxLength: 25, size: 'medium' }), fc.nat({ max: 60 }))
  .map(([ops, at]) => (at < ops.length ? [...ops.slice(0, at), { op: 'release' as const }, ...ops.slice(at)] : ops));

/** The largest payment of this kind the rules accept now (0 when none). */
function largestAccepted(s: LineState, kind: PaymentKind): bigint {
  if (s.committedCents === null) return 0n;
  let lo = 0n;
  let hi = s.committedCents;
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    if (paymentRefusal(s, kind, mid) === null) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

function checkInvariants(s: LineState) {
  const t = totals(s.payments);
  if (s.committedCents === null) {
    expect(t.paidCents).toBe(0n);
    return;
  }
  expect(t.paidCents <= s.committedCents).toBe(true);
  expect(s.committedCents <= s.amountCents).toBe(true);
  expect(t.advancesCents <= mulBps(s.committedCents, ADVANCE_BPS)).toBe(true);
  if (s.dossierStatus !== 'COMPLETED') {
    expect(t.advancesCents + t.instalmentsCents <= mulBps(s.committedCents, BEFORE_COMPLETION_BPS)).toBe(true);
    expect(t.balancesCents).toBe(0n);
  }
}

describe('tranches: properties over sequences', () => {
  it('after any accepted sequence of payments and commitment changes: advances ≤ 30 %, advances + instalments ≤ 80 % before completion, paid ≤ committed', () => {
    // How much the sequences exercise: payments accepted, commitments lowered after a payment.
    let payments = 0;
    let lowered = 0;
    fc.assert(
      fc.property(sequenceArb, (ops) => {
        let s = line({ committedCents: null });
        for (const o of ops) {
          if (o.op === 'complete') {
            if (s.planStatus !== 'RELEASED') s = { ...s, dossierStatus: 'COMPLETED' };
          } else if (o.op === 'release') {
            if (s.dossierStatus !== 'COMPLETED') s = { ...s, planStatus: 'RELEASED', dossierStatus: 'WITHDRAWN' };
          } else if (o.op === 'commit' || o.op === 'commitMinimum') {
            const wanted = o.op === 'commit' ? o.cents : minimumCommitment(s.payments, s.dossierStatus === 'COMPLETED').minimumCents + o.offset;
            if (wanted < 0n) continue;
            const refusal = commitmentRefusal(s, wanted);
            if (o.op === 'commitMinimum' && s.planStatus === 'COMMITTED' && s.dossierStatus !== 'WITHDRAWN' && wanted <= s.amountCents) {
              // Exactly at the minimum or above is accepted; a cent below is refused.
              expect(refusal === null).toBe(o.offset >= 0n);
            }
            if (!refusal) {
              if (s.payments.length && s.committedCents !== null && wanted < s.committedCents) lowered++;
              s = { ...s, committedCents: wanted };
            }
          } else {
            const amount = o.op === 'pay' ? o.cents : largestAccepted(s, o.kind);
            if (amount <= 0n) continue;
            if (!paymentRefusal(s, o.kind, amount)) {
              expect(s.planStatus).toBe('COMMITTED');
              s = { ...s, payments: [...s.payments, { kind: o.kind, amountCents: amount }] };
              payments++;
            }
          }
          checkInvariants(s);
        }
      }),
      { numRuns: 1000 },
    );
    expect(payments).toBeGreaterThan(1000);
    expect(lowered).toBeGreaterThan(200);
  });

  it('a released plan accepts no payment and no commitment, whatever the line holds', () => {
    const payment = fc.record({ kind: fc.constantFrom(...KINDS), amountCents: fc.bigInt({ min: 1n, max: AMOUNT }) });
    fc.assert(
      fc.property(
        fc.array(payment, { maxLength: 6 }),
        fc.option(fc.bigInt({ min: 0n, max: AMOUNT }), { nil: null }),
        fc.constantFrom('WITHDRAWN', 'CLOSED', 'COMPLETED', 'STEP2_IN_PROGRESS'),
        payment,
        fc.bigInt({ min: 0n, max: 2n * AMOUNT }),
        (payments, committedCents, dossierStatus, next, commitment) => {
          const s = line({ planStatus: 'RELEASED', dossierStatus, payments, committedCents });
          expect(paymentRefusal(s, next.kind, next.amountCents)).toMatchObject({ status: 409, rule: 'plan-released' });
          expect(commitmentRefusal(s, commitment)).toMatchObject({ status: 409, rule: 'plan-released' });
          expect(toRecover(s.planStatus, totals(payments).paidCents)).toBe(totals(payments).paidCents);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a dossier that left the procedure takes no payment, whatever its plan status', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('WITHDRAWN', 'CLOSED', 'REJECTED'),
        fc.constantFrom('COMPUTED' as const, 'COMMITTED' as const),
        fc.constantFrom(...KINDS),
        fc.bigInt({ min: 1n, max: AMOUNT }),
        (dossierStatus, planStatus, kind, amount) => {
          expect(paymentRefusal(line({ dossierStatus, planStatus }), kind, amount)).toMatchObject({ status: 409, rule: 'dossier-left-procedure' });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
