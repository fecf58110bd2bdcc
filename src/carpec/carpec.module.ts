import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module.js';
import { CarpecController } from './carpec.controller.js';
import { CarpecRepository } from './carpec.repository.js';
import { CarpecService } from './carpec.service.js';

@Module({ imports: [ApplicationsModule], controllers: [CarpecController], providers: [CarpecService, CarpecRepository] })
export class CarpecModule {}
