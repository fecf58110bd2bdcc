// The embedded PostgreSQL of a developer's machine is shared by the processes that use its
// folder: `npm start` in one terminal, `npm run seed:demo` (or report, audit:verify) in another.
// The second reuses the running server instead of failing to start a second one on its folder,
// and leaves it running when it ends.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded.js';
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
});
