import { Module } from '@nestjs/common';
import { PromotersModule } from '../promoters/promoters.module.js';
import { ReferenceModule } from '../reference/reference.module.js';
import { FollowUpRepository } from './follow-up.repository.js';
import { ProjectsController } from './projects.controller.js';
import { ProjectsRepository } from './projects.repository.js';
import { ProjectsService } from './projects.service.js';

@Module({
  imports: [ReferenceModule, PromotersModule],
  controllers: [ProjectsController],
  providers: [ProjectsService, ProjectsRepository, FollowUpRepository],
  exports: [ProjectsRepository, ProjectsService],
})
export class ProjectsModule {}
