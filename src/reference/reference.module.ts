import { Module } from '@nestjs/common';
import { CommunesController } from './communes.controller.js';
import { CommunesRepository } from './communes.repository.js';
import { CommunesService } from './communes.service.js';
import { CommuneLookup } from './commune-lookup.js';
import { EpcisController } from './epcis.controller.js';
import { EpcisRepository } from './epcis.repository.js';
import { EpcisService } from './epcis.service.js';
import { OfficialRepository } from './official/official.repository.js';
import { OfficialService } from './official/official.service.js';

@Module({
  controllers: [CommunesController, EpcisController],
  providers: [CommunesService, CommunesRepository, CommuneLookup, EpcisRepository, EpcisService, OfficialRepository, OfficialService],
  exports: [CommunesRepository, CommuneLookup],
})
export class ReferenceModule {}
