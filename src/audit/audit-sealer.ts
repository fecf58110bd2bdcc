import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AuditRepository } from './audit.repository.js';

/**
 * Seals the audit trail every `AUDIT_SEAL_INTERVAL_MS` (1 s) in an instance that runs the
 * workers (WORKERS_ENABLED, `npm run worker`). Several such instances are fine: one seals, the
 * others find its lock taken and skip their turn. A failed turn (database away) is retried at
 * the next one; nothing is lost, the rows wait unsealed.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditSealer');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.workersEnabled) return;
    this.timer = setInterval(() => {
      if (this.running) return; // the previous turn is still at work
      this.running = this.audit
        .seal({ wait: false })
        .then(
          () => undefined,
          (error: unknown) => this.logger.warn({ err: error }, 'audit trail not sealed this turn: retrying at the next'),
        )
        .finally(() => (this.running = undefined));
    }, this.config.auditSealIntervalMs);
    this.timer.unref();
  }

  /** Runs first on shutdown, long before the pool closes: the turn under way finishes, no other starts. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
