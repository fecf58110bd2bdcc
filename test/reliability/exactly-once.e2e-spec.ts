// Exactly once across a cut connection, and the shutdown's 503 (issue 17, items 5 and 6): the
// application talks to PostgreSQL through a TCP proxy of the test's, which can drop the
// application's connection right after the server has answered a COMMIT (the commit went
// through, its answer is lost). A retry with the same Idempotency-Key gets the stored answer,
// and the database holds one effect.
import { createServer, type Server, Socket, connect } from 'node:net';
import { IncomingMessage, type RequestListener, ServerResponse } from 'node:http';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { TEST_ENV, type TestApp, validated } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { makeDossier } from '../helpers/dossiers.js';
import { actor, type Actor } from '../helpers/factories.js';
import { checkFetched } from '../helpers/openapi-validator.js';

/** Forwards every byte; when armed, drops the client's connection once the server has completed a COMMIT. */
class CuttingProxy {
  /** 'after': once the server has answered the COMMIT; 'before': instead of sending the COMMIT. */
  armed: false | 'after' | 'before' = false;
  cuts = 0;
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(upstreamHost: string, upstreamPort: number): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(upstreamPort, upstreamHost);
      this.sockets.add(client).add(upstream);
      let commitSent = false;
      client.on('data', (chunk: Buffer) => {
        if (this.armed && chunk.includes(Buffer.from('COMMIT\0'))) {
          if (this.armed === 'before') {
            this.armed = false;
            this.cuts++;
            client.destroy();
            upstream.destroy();
            return;
          }
          commitSent = true;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        // CommandComplete ('C') with the tag COMMIT: the server has committed.
        if (commitSent && this.armed && chunk.includes(Buffer.from('COMMIT\0'))) {
          this.armed = false;
          this.cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * Hands one request to the server's own request handler, as Node would for a request read on
 * a connection it already holds, and captures the raw answer (status line, headers, body).
 */
function handOver(handler: RequestListener, method: string, url: string, headers: Record<string, string>) {
  return new Promise<{ statusCode: number; headers: Record<string, string>; body: string }>((resolve) => {
    const req = new IncomingMessage(new Socket());
    Object.assign(req, { method, url, headers, httpVersion: '1.1', httpVersionMajor: 1, httpVersionMinor: 1 });
    req.push(null);
    const res = new ServerResponse(req);
    // Fastify ends a response with its serialized payload: a string or a Buffer.
    res.end = ((payload?: string | Uint8Array) => {
      const raw = String((res as unknown as { _header?: string })._header ?? '');
      const [status, ...lines] = raw.split('\r\n').filter(Boolean);
      resolve({
        statusCode: Number(status.split(' ')[1]),
        headers: Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])),
        body: payload === undefined ? '' : typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'),
      });
      return res;
    }) as typeof res.end;
    handler(req, res);
  });
}

describe('exactly once across a cut connection; the shutdown answers problems', () => {
  let t: TestApp;
  let db: { url: string; drop(): Promise<void> };
  const proxy = new CuttingProxy();
  let instructor: Actor;
  let closed = false;

  beforeAll(async () => {
    db = await createTestDatabase();
    const direct = new URL(db.url);
    await proxy.start(direct.hostname, Number(direct.port || 5432));
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    // No workers: the audit sealer and the job queue would commit through the proxy too, and
    // the proxy cuts the first COMMIT it sees, whoever sends it.
    const app = await createApp(loadConfig({ ...TEST_ENV, RATE_LIMIT_PER_MINUTE: '0', DATABASE_PREPARED_STATEMENTS: 'false', WORKERS_ENABLED: 'false' }), proxied.toString());
    t = {
      app,
      prisma: app.get(PrismaService),
      databaseUrl: db.url,
      http: () => validated(request(app.getHttpServer())),
      close: () => Promise.resolve(),
    };
    instructor = await actor(t, 'INSTRUCTOR');
  }, 60_000);

  afterAll(async () => {
    if (!closed) await t?.app.close();
    await proxy.stop();
    await db?.drop();
  });

  const withdraw = (id: string, key?: string) => {
    const req = t.http().post(`/api/v1/applications/${id}/withdraw`).set('Authorization', instructor.auth);
    if (key) req.set('Idempotency-Key', key);
    return req.send({ reason: 'Le promoteur renonce' });
  };
  const effects = async (id: string) => ({
    status: (await t.prisma.application.findUniqueOrThrow({ where: { id } })).status,
    events: await t.prisma.applicationEvent.count({ where: { applicationId: id, type: 'WITHDRAWN' } }),
    audits: await t.prisma.auditLog.count({ where: { entity: 'application', entityId: id, action: { contains: 'withdraw' } } }),
  });

  it('answers the retry of a write committed but cut before its answer with the stored answer, and applies it once', async () => {
    const { id } = await makeDossier(t, instructor);
    proxy.armed = 'after';
    const first = await withdraw(id, 'cut-at-commit-1');
    // The commit went through; its answer was lost with the connection.
    expect(proxy.cuts).toBe(1);
    expect(first.status).toBe(503);
    expect(first.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(first.headers['retry-after'])).toBeGreaterThan(0);
    expect(await effects(id)).toEqual({ status: 'WITHDRAWN', events: 1, audits: 1 });
    const record = await t.prisma.idempotencyRecord.findFirstOrThrow({ where: { key: 'cut-at-commit-1' } });
    expect(record.state).toBe('COMPLETED');

    const again = await withdraw(id, 'cut-at-commit-1');
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toMatchObject({ id, status: 'WITHDRAWN' });
    expect(await effects(id)).toEqual({ status: 'WITHDRAWN', events: 1, audits: 1 });
    // The same as an uncut answer would have said.
    const read = await t.http().get(`/api/v1/applications/${id}`).set('Authorization', instructor.auth).expect(200);
    expect(again.body).toEqual({ ...read.body, etag: again.body.etag ?? read.body.etag });
  });

  it('stores nothing when the connection is cut before the COMMIT: the write was not applied, and its retry applies it once', async () => {
    const { id } = await makeDossier(t, instructor);
    const cutsBefore = proxy.cuts;
    proxy.armed = 'before';
    const first = await withdraw(id, 'cut-before-commit-1');
    expect(proxy.cuts).toBe(cutsBefore + 1);
    expect(first.status).toBe(503);
    expect(await effects(id)).toEqual({ status: 'DRAFT', events: 0, audits: 0 });
    expect(await t.prisma.idempotencyRecord.count({ where: { key: 'cut-before-commit-1' } })).toBe(0);

    const again = await withdraw(id, 'cut-before-commit-1');
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await effects(id)).toEqual({ status: 'WITHDRAWN', events: 1, audits: 1 });
    const replay = await withdraw(id, 'cut-before-commit-1');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(again.body);
    expect(await effects(id)).toEqual({ status: 'WITHDRAWN', events: 1, audits: 1 });
  });

  it("answers a request that reaches the server while it shuts down with a problem+json 503 and Retry-After, not Fastify's own JSON", async () => {
    const { id } = await makeDossier(t, instructor);
    await t.app.listen(0, '127.0.0.1');
    const base = await t.app.getUrl();
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      // A request in flight for certain: its transaction waits for audit_log, locked in SHARE mode.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE audit_log IN SHARE MODE');
      const inFlight = fetch(`${base.replace('[::1]', '127.0.0.1')}/api/v1/applications/${id}/withdraw`, {
        method: 'POST',
        headers: { authorization: instructor.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'Le promoteur renonce' }),
      }).then((r) => checkFetched('POST', `/api/v1/applications/${id}/withdraw`, r));
      for (let i = 0; i < 100; i++) {
        const { rows } = await blocker.query(`SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'audit_log'::regclass AND NOT granted`);
        if (rows[0].n >= 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      closed = true;
      const closing = t.app.close();
      await new Promise((r) => setTimeout(r, 300));
      // A request arriving now (on a connection kept alive, or pipelined): the server's own handler.
      const handler = t.app.getHttpServer().listeners('request')[0] as RequestListener;
      const late = await handOver(handler, 'GET', '/api/v1/communes', { authorization: instructor.auth, host: 'localhost' });
      await blocker.query('COMMIT');
      const answered = await inFlight;
      await closing;

      expect(late.statusCode).toBe(503);
      expect(late.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(late.headers['retry-after'])).toBeGreaterThan(0);
      expect(late.headers.connection).toBe('close');
      expect(JSON.parse(late.body)).toMatchObject({ status: 503, type: 'tag:msp-funding,2026:problem/shutting-down' });
      // The request in flight finished.
      expect(answered.status).toBe(200);
    } finally {
      await blocker.end().catch(() => undefined);
    }
  }, 30_000);
});
