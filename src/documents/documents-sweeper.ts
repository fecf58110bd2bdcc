import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DocumentsService } from './documents.service.js';

/** An upload not recorded after this long was left by a crash (an upload holds no transaction: it may take minutes, never an hour). */
export const ABANDONED_AFTER_MS = 60 * 60 * 1000;
const EVERY_MS = 10 * 60 * 1000;

/**
 * Removes, in an instance that runs the workers, the objects that crashed uploads left in the
 * storage (the `document_uploads` ledger): at start, then every 10 minutes. Several instances
 * may sweep at once: removing an object twice is harmless, and one that a document holds is
 * never removed.
 */
@Injectable()
export class DocumentsSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DocumentsSweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly documents: DocumentsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.workersEnabled) return;
    const turn = () => {
      if (this.running) return;
      this.running = this.documents
        .sweep(new Date(Date.now() - ABANDONED_AFTER_MS))
        .then(
          (removed) => void (removed && this.logger.log(`removed ${removed} object(s) left by interrupted uploads`)),
          (error: unknown) => this.logger.warn({ err: error }, 'uploads not swept this turn: retrying at the next'),
        )
        .finally(() => (this.running = undefined));
    };
    turn();
    this.timer = setInterval(turn, EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
