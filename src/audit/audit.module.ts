import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditedWrites } from './audited-writes.js';
import { AuditService } from './audit.service.js';
import { AuditSealer } from './audit-sealer.js';

@Global()
@Module({ controllers: [AuditController], providers: [AuditRepository, AuditSealer, AuditedWrites, AuditService], exports: [AuditRepository, AuditedWrites] })
export class AuditModule {}
