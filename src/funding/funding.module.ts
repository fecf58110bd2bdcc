import { Module } from '@nestjs/common';
import { EnvelopesModule } from '../envelopes/envelopes.module.js';
import { FundingPlansController, RuleSetsController } from './funding.controller.js';
import { FundingRepository } from './funding.repository.js';
import { FundingService } from './funding.service.js';
import { PlanRelease } from './plan-release.js';

@Module({
  imports: [EnvelopesModule],
  controllers: [RuleSetsController, FundingPlansController],
  providers: [FundingService, FundingRepository, PlanRelease],
  exports: [PlanRelease, FundingService],
})
export class FundingModule {}
