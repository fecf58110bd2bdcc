import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { LettersRepository } from './letters.repository.js';
import { LettersService } from './letters.service.js';
import { PackController } from './pack.controller.js';
import { PackService } from './pack.service.js';

@Module({
  imports: [ApplicationsModule, DocumentsModule],
  controllers: [PackController],
  providers: [LettersRepository, LettersService, PackService],
})
export class LettersModule {}
