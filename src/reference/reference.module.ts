import { Module } from '@nestjs/common';
import { CommunesController } from './communes.controller.js';
import { CommunesRepository } from './communes.repository.js';
import { CommunesService } from './communes.service.js';
import { CommuneLookup } from './commune-lookup.js';

@Module({
  controllers: [CommunesController],
  providers: [CommunesService, CommunesRepository, CommuneLookup],
  exports: [CommunesRepository, CommuneLookup],
})
export class ReferenceModule {}
