import { Module } from '@nestjs/common';
import { ReferenceModule } from '../reference/reference.module.js';
import { PromotersController } from './promoters.controller.js';
import { PromotersRepository } from './promoters.repository.js';
import { PromotersService } from './promoters.service.js';

@Module({
  imports: [ReferenceModule],
  controllers: [PromotersController],
  providers: [PromotersService, PromotersRepository],
  exports: [PromotersRepository, PromotersService],
})
export class PromotersModule {}
