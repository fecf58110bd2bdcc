import { Module } from '@nestjs/common';
import { EnvelopesController } from './envelopes.controller.js';
import { EnvelopesRepository } from './envelopes.repository.js';
import { EnvelopesService } from './envelopes.service.js';

@Module({ controllers: [EnvelopesController], providers: [EnvelopesService, EnvelopesRepository], exports: [EnvelopesRepository] })
export class EnvelopesModule {}
