// `npm run worker`: the job workers (report runs, the nightly schedule, the audit sealer, the sweep of interrupted uploads) without the HTTP
// server, so that operators can scale API instances (WORKERS_ENABLED=false) and workers apart.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../app.module.js';
import { takeOverSignals } from '../database/embedded.js';
import { log, prepare } from './runtime.js';

const { config, db } = await prepare({ migrate: true });
// This process stops the embedded database itself, after its own shutdown.
takeOverSignals();
const app = await NestFactory.createApplicationContext(AppModule.forRoot({ ...config, workersEnabled: true }, db.url), { bufferLogs: true });
app.useLogger(app.get(Logger));
log.info('worker started: report runs and the nightly schedule');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    void app
      .close()
      .then(() => db.stop())
      .then(() => process.exit(0));
  });
}
