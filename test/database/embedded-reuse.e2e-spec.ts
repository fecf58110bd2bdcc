// The embedded PostgreSQL of a developer's machine is shared by the processes that use its
// folder: `npm start` in one terminal, `npm run seed:demo` (or report, audit:verify) in another.
// The second reuses the running server instead of failing to start a second one on its folder,
// and leaves it running when it ends.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { firstClosedAncestor, startEmbeddedPostgres } from '../../src/database/embedded.js';
import { TEST_ENV } from '../helpers/app.js';
import { freePort } from '../reliability/harness.js';

const select1 = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0].one;
  } finally {
    await client.end();
  }
};

describe('embedded PostgreSQL shared by two processes of one folder', () => {
  let dir: string;
  beforeAll(async () => {
    // Under the project, as `npm start`'s own: as root, PostgreSQL runs as `postgres`, which must reach it.
    dir = join('.data', `embedded-reuse-${process.pid}`);
    await rm(dir, { recursive: true, force: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reuses the running server, and stopping the second leaves it running', async () => {
    const port = await freePort(25000, 25999);
    const first = await startEmbeddedPostgres({ dir, port });
    try {
      const logs: string[] = [];
      const second = await startEmbeddedPostgres({ dir, port, log: (m) => logs.push(m) });
      expect(second.serverUrl).toBe(first.serverUrl);
      expect(logs.join('\n')).toMatch(/reusing the embedded PostgreSQL/);
      expect(await select1(second.serverUrl)).toBe(1);
      await second.stop();
      expect(await select1(first.serverUrl)).toBe(1);
    } finally {
      await first.stop();
    }
    // Stopped by its owner: a new start starts it again.
    const third = await startEmbeddedPostgres({ dir, port });
    try {
      expect(await select1(third.serverUrl)).toBe(1);
    } finally {
      await third.stop();
    }
  });

  it('the other way round: the process that started the server ends first, the server stays up for the other, which stops it when it ends', async () => {
    const port = await freePort(25000, 25999);
    const first = await startEmbeddedPostgres({ dir, port });
    const second = await startEmbeddedPostgres({ dir, port });
    const logs: string[] = [];
    let stopped = false;
    try {
      // The starter ends (a command line), the other (the service) goes on using the server.
      await first.stop();
      expect(await select1(second.serverUrl)).toBe(1);
      await second.stop();
      stopped = true;
      // The last user stopped it: nothing answers, and the next start starts it again.
      await expect(select1(second.serverUrl)).rejects.toThrow();
      const third = await startEmbeddedPostgres({ dir, port, log: (m) => logs.push(m) });
      try {
        expect(logs.join('\n')).not.toMatch(/reusing/);
        expect(await select1(third.serverUrl)).toBe(1);
      } finally {
        await third.stop();
      }
    } finally {
      if (!stopped) await second.stop();
    }
  });

  it('names the folder others may not enter; run as root there, the command line says what to do (exit 1, no stack)', async () => {
    const closed = await mkdtemp(join(tmpdir(), 'msp-closed-'));
    try {
      await chmod(closed, 0o700);
      await mkdir(join(closed, 'project'), { recursive: true });
      expect(await firstClosedAncestor(join(closed, 'project', '.data', 'cluster'))).toBe(closed);
      expect(await firstClosedAncestor(join(process.cwd(), '.data', 'cluster'))).toBeNull();
      if (process.getuid?.() !== 0) return; // the check is for root, who runs PostgreSQL as `postgres`
      const env = {
        PATH: process.env.PATH ?? '',
        ...TEST_ENV,
        DATABASE_URL: '',
        EMBEDDED_PG_DIR: join(closed, 'project', '.data'),
        EMBEDDED_PG_PORT: String(await freePort(25000, 25999)),
      };
      const failed = await promisify(execFile)(process.execPath, ['dist/cli/audit-verify.js'], { env }).then(
        () => null,
        (e: { code?: number; stderr?: string }) => e,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain(`who may not enter ${closed}`);
      expect(failed?.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  });
});
