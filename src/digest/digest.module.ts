import { Module } from '@nestjs/common';
import { DigestController } from './digest.controller.js';
import { DigestRepository } from './digest.repository.js';
import { DigestService } from './digest.service.js';
import { Mailer } from './mailer.js';

/**
 * The daily digest of what waits for each person, and the mailer that sends it (and the
 * service's other e-mails). DigestService.sendAll is what the daily job calls.
 */
@Module({
  controllers: [DigestController],
  providers: [Mailer, DigestRepository, DigestService],
  exports: [Mailer, DigestService],
})
export class DigestModule {}
