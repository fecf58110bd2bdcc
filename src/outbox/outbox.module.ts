import { Global, Module } from '@nestjs/common';
import { OutboxRepository } from './outbox.repository.js';

/** The outbox is written by every feature that reports a change: available everywhere. */
@Global()
@Module({
  providers: [OutboxRepository],
  exports: [OutboxRepository],
})
export class OutboxModule {}
