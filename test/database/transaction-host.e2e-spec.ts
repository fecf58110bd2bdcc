// The unit of work on a pool connection (src/database/transaction-host.ts): BEGIN … COMMIT sent
// by TransactionHost, the ORM routed to the transaction's connection, a transaction Prisma opens
// inside ours turned into a savepoint, tagged statements sent by pg with Prisma-like rows.
// Proves, each time by reading the database afterwards outside any transaction (`pool.query`):
// ORM and tagged writes commit or roll back together, uncommitted rows stay invisible outside,
// nested calls join, timeouts and a full pool answer 503 busy, afterCommit waits for the
// commit, a failed statement caught by the work fails the commit, and the type parsers.
import { randomBytes } from 'node:crypto';
import { toProblem } from '../../src/common/errors/problem.js';
import { TransactionHost } from '../../src/database/transaction-host.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const POOL_SIZE = 5; // TEST_ENV's DATABASE_POOL_SIZE

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise the test resolves when it chooses: holds a transaction open. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('TransactionHost: the unit of work on a pool connection', () => {
  let t: TestApp;
  let host: TransactionHost;
  beforeAll(async () => {
    // No workers (audit sealer, report jobs): the pool serves this file's transactions only.
    t = await startTestApp({ WORKERS_ENABLED: 'false' });
    host = t.app.get(TransactionHost);
  });
  afterAll(() => t.close());

  /** A distinct email per test, so each counts only its own rows. */
  const tag = () => `tx-${randomBytes(4).toString('hex')}@test.local`;
  /** Committed rows, read on a pool connection of its own (outside any transaction scope). */
  const committed = async (email: string) => Number((await t.prisma.pool.query('SELECT count(*) AS n FROM login_failures WHERE email = $1', [email])).rows[0].n);
  const ormWrite = (email: string) => t.prisma.loginFailure.create({ data: { email, ip: 'orm' } });
  const sqlWrite = (email: string) => host.query(Prisma.sql`INSERT INTO login_failures (email, ip) VALUES (${email}, 'sql')`);

  it('commits the ORM and the tagged statements together, and rolls both back on a failure at the end', async () => {
    const ok = tag();
    await host.transaction(async () => {
      await ormWrite(ok);
      await sqlWrite(ok);
    });
    expect((await t.prisma.pool.query('SELECT ip FROM login_failures WHERE email = $1 ORDER BY ip', [ok])).rows).toEqual([{ ip: 'orm' }, { ip: 'sql' }]);

    const failed = tag();
    const failure = host.transaction(async () => {
      await ormWrite(failed);
      await sqlWrite(failed);
      throw new Error('the last step failed');
    });
    await expect(failure).rejects.toThrow('the last step failed');
    expect(await committed(failed)).toBe(0);
  });

  it('keeps its uncommitted rows invisible outside, and routes the ORM inside to its connection', async () => {
    const email = tag();
    const written = gate();
    const release = gate();
    const tx = host.transaction(async () => {
      await ormWrite(email);
      written.open();
      await release.promise;
      // An ORM read sees the uncommitted row only if it runs on the transaction's connection.
      return t.prisma.loginFailure.count({ where: { email } });
    });
    await written.promise;
    expect(await committed(email)).toBe(0);
    // The ORM called outside the scope goes to the pool, not to the open transaction.
    expect(await t.prisma.loginFailure.count({ where: { email } })).toBe(0);
    release.open();
    expect(await tx).toBe(1);
    expect(await committed(email)).toBe(1);
  });

  it('joins a transaction opened inside another: one commit, and the outer failure undoes the inner writes', async () => {
    const email = tag();
    const outer = host.transaction(async () => {
      await host.transaction(async () => {
        await ormWrite(email);
        await sqlWrite(email);
      });
      // Had the inner call committed on its own, its rows would already be visible.
      expect(await committed(email)).toBe(0);
      throw new Error('outer failed after the inner returned');
    });
    await expect(outer).rejects.toThrow('outer failed after the inner returned');
    expect(await committed(email)).toBe(0);

    const kept = tag();
    await host.transaction(() => host.transaction(() => ormWrite(kept)));
    expect(await committed(kept)).toBe(1);
  });

  it("turns Prisma's own transaction inside ours into a savepoint, and leaks no connection", async () => {
    const email = tag();
    await host.transaction(async () => {
      await t.prisma.$transaction([ormWrite(email), ormWrite(email)]);
      // Still ours: nothing visible before our COMMIT.
      expect(await committed(email)).toBe(0);
      await sqlWrite(email);
    });
    expect(await committed(email)).toBe(3);

    const undone = tag();
    const failure = host.transaction(async () => {
      await t.prisma.$transaction([ormWrite(undone), ormWrite(undone)]);
      throw new Error('ours failed after Prisma committed its part');
    });
    await expect(failure).rejects.toThrow('ours failed');
    expect(await committed(undone)).toBe(0);

    // A failing Prisma transaction rolls back to its savepoint only: ours goes on and commits.
    const partial = tag();
    await host.transaction(async () => {
      await sqlWrite(partial);
      const [row] = (await host.query<{ id: bigint }>(Prisma.sql`SELECT max(id) AS id FROM login_failures`)).rows;
      const duplicate = { email: partial, ip: 'dup', id: row.id };
      await expect(
        t.prisma.$transaction([t.prisma.loginFailure.create({ data: { email: partial, ip: 'lost' } }), t.prisma.loginFailure.create({ data: duplicate })]),
      ).rejects.toMatchObject({ code: 'P2002' });
      await ormWrite(partial);
    });
    expect((await t.prisma.pool.query('SELECT ip FROM login_failures WHERE email = $1 ORDER BY ip', [partial])).rows).toEqual([{ ip: 'orm' }, { ip: 'sql' }]);

    // The connection is still usable, and every connection is back in the pool.
    await host.transaction(() => ormWrite(tag()));
    expect(t.prisma.pool.totalCount).toBeLessThanOrEqual(POOL_SIZE);
    expect(t.prisma.pool.idleCount).toBe(t.prisma.pool.totalCount);
  });

  it('rolls back a transaction that outlives its timeout, as 503 busy', async () => {
    const email = tag();
    const late = host.transaction(
      async () => {
        await sleep(400);
        await ormWrite(email);
      },
      { timeout: 200 },
    );
    const error = await late.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    const { problem } = toProblem(error);
    expect(problem.status).toBe(503);
    expect(problem.type).toMatch(/problem\/busy$/);
    expect(await committed(email)).toBe(0);

    // Written in time, but the work ends past the timeout: rolled back, not committed.
    const early = tag();
    const slow = host.transaction(
      async () => {
        await ormWrite(early);
        await sleep(400);
      },
      { timeout: 200 },
    );
    await expect(slow).rejects.toThrow(/expired transaction/);
    expect(await committed(early)).toBe(0);
  });

  it('gives its connection back at the timeout, while the work still hangs', async () => {
    const held = gate();
    const email = tag();
    const hanging = host.transaction(
      async () => {
        await ormWrite(email);
        await held.promise;
      },
      { timeout: 200 },
    );
    await sleep(400);
    // Rolled back and released already: no session of ours is idle in a transaction.
    const idleInTransaction = await t.prisma.pool.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()",
    );
    expect(idleInTransaction.rows[0].n).toBe(0);
    held.open();
    await expect(hanging).rejects.toThrow(/expired transaction/);
    expect(await committed(email)).toBe(0);
  });

  it("runs Prisma's transactions opened side by side inside ours one after the other: one's rollback loses nothing of the other", async () => {
    const [a, b] = [tag(), tag()];
    await host.transaction(async () => {
      const first = t.prisma.$transaction(async (tx) => {
        await tx.loginFailure.create({ data: { email: a, ip: 'a' } });
        await sleep(150);
        throw new Error('a fails');
      });
      await sleep(50);
      const second = t.prisma.$transaction([t.prisma.loginFailure.create({ data: { email: b, ip: 'b' } })]);
      const [one, two] = await Promise.allSettled([first, second]);
      expect(one.status).toBe('rejected');
      expect(two.status).toBe('fulfilled');
    });
    expect(await committed(a)).toBe(0);
    expect(await committed(b)).toBe(1);
  });

  it('answers 503 busy when no pool connection frees within maxWait, and works again once they are released', async () => {
    const release = gate();
    const opened: Promise<void>[] = [];
    const holders = Array.from({ length: POOL_SIZE }, () => {
      const inside = gate();
      opened.push(inside.promise);
      return host.transaction(async () => {
        await host.query(Prisma.sql`SELECT 1`);
        inside.open();
        await release.promise;
      });
    });
    await Promise.all(opened);

    const email = tag();
    const error = await host
      .transaction(() => ormWrite(email), { maxWait: 200 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ name: 'ApiProblem', status: 503, slug: 'busy' });
    expect(toProblem(error).problem.type).toMatch(/problem\/busy$/);

    release.open();
    await Promise.all(holders);
    await host.transaction(() => ormWrite(email));
    expect(await committed(email)).toBe(1);
  });

  it('runs afterCommit effects only once committed, and never after a rollback', async () => {
    const email = tag();
    const seen: number[] = [];
    await host.transaction(async () => {
      await ormWrite(email);
      await host.afterCommit(async () => seen.push(await committed(email)));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([1]);

    const rolledBack = tag();
    const notSeen: number[] = [];
    const failure = host.transaction(async () => {
      await ormWrite(rolledBack);
      await host.afterCommit(async () => notSeen.push(await committed(rolledBack)));
      throw new Error('rolled back');
    });
    await expect(failure).rejects.toThrow('rolled back');
    expect(notSeen).toEqual([]);
    expect(await committed(rolledBack)).toBe(0);
  });

  it('fails the commit of a transaction in which a statement failed, even when the work caught the error', async () => {
    const email = tag();
    const effects: number[] = [];
    const swallowed = host.transaction(async () => {
      await ormWrite(email);
      await host.query(Prisma.sql`SELECT 1/0`).catch(() => undefined);
      await host.afterCommit(async () => effects.push(await committed(email)));
      return 'reported as done';
    });
    await expect(swallowed).rejects.toThrow(/rolled back/);
    expect(effects).toEqual([]);
    expect(await committed(email)).toBe(0);
  });

  it('reads int8 as BigInt and timestamp/date as UTC instants, and sends a Date as it is', async () => {
    const { rows } = await host.query<{ n: bigint; ts: Date; d: Date }>(Prisma.sql`SELECT 1::int8 AS n, '2026-03-01 12:34:56.789'::timestamp AS ts, '2026-03-01'::date AS d`);
    expect(rows[0].n).toBe(1n);
    expect(rows[0].ts.toISOString()).toBe('2026-03-01T12:34:56.789Z');
    expect(rows[0].d.toISOString()).toBe('2026-03-01T00:00:00.000Z');

    const date = new Date('2026-07-14T23:59:58.123Z');
    const roundTrip = await host.transaction(() => host.query<{ x: Date }>(Prisma.sql`SELECT ${date}::timestamp AS x`));
    expect(roundTrip.rows[0].x).toBeInstanceOf(Date);
    expect(roundTrip.rows[0].x.getTime()).toBe(date.getTime());
  });

  it('maps a unique violation raised by a tagged statement to 409', async () => {
    const insert = () => host.query(Prisma.sql`INSERT INTO login_failures (id, email, ip) VALUES (${900_000_001n}, ${'dup@test.local'}, 'sql')`);
    await insert();
    const error = await insert().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: '23505' });
    expect(toProblem(error).problem).toMatchObject({ status: 409, type: expect.stringMatching(/problem\/conflict$/) });
  });
});
