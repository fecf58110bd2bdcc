import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { FundingModule } from '../funding/funding.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { PromotersModule } from '../promoters/promoters.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { DsSyncController } from './ds-sync.controller.js';
import { DsSyncRepository } from './ds-sync.repository.js';
import { DsSyncService } from './ds-sync.service.js';

/** The intake from Démarches Simplifiées: each call's dossiers synced into ours. */
@Module({
  imports: [CallsModule, ApplicationsModule, PromotersModule, ProjectsModule, FundingModule, DocumentsModule, ReportsModule],
  controllers: [DsSyncController],
  providers: [DsSyncService, DsSyncRepository],
})
export class IntakeModule {}
