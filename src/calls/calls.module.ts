import { Module } from '@nestjs/common';
import { DsGateway } from '../ds/ds-gateway.js';
import { CallsController } from './calls.controller.js';
import { CallsRepository } from './calls.repository.js';
import { CallsService } from './calls.service.js';

@Module({ controllers: [CallsController], providers: [CallsService, CallsRepository, DsGateway], exports: [CallsRepository, DsGateway] })
export class CallsModule {}
