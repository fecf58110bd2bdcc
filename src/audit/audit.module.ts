import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditSealer } from './audit-sealer.js';

@Global()
@Module({ controllers: [AuditController], providers: [AuditRepository, AuditSealer], exports: [AuditRepository] })
export class AuditModule {}
