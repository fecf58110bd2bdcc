import 'reflect-metadata';
import { Bootstrap, printBootstrapBanner } from './accounts/bootstrap.js';
import { createApp } from './app.factory.js';
import { log, prepare } from './cli/runtime.js';
import { takeOverSignals } from './database/embedded.js';

const SHUTDOWN_GRACE_MS = 10_000;
const started = process.hrtime.bigint();

const { config, db } = await prepare({ migrate: true });
// This process stops the embedded database itself, after its own shutdown.
takeOverSignals();
const app = await createApp(config, db.url);
printBootstrapBanner(await app.get(Bootstrap).ensureAdmin(), config.bootstrap.regionCode);
await app.listen({ port: config.port, host: config.host });
const ms = Number(process.hrtime.bigint() - started) / 1e6;
log.info(`serving on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (API /api/v1, docs /docs) in ${ms.toFixed(0)} ms`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: finishing in-flight requests, then stopping`);
  const force = setTimeout(() => {
    log.error('shutdown took too long: exiting');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  try {
    await app.close();
    await db.stop();
    process.exit(0);
  } catch (error) {
    log.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
