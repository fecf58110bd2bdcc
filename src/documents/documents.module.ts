import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TransactionHost } from '../database/transaction-host.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsRepository } from './documents.repository.js';
import { DocumentsService } from './documents.service.js';
import { DocumentsSweeper } from './documents-sweeper.js';
import { BLOB_STORE } from './storage/blob-store.js';
import { PostgresBlobStore } from './storage/postgres-blob-store.js';
import { S3BlobStore } from './storage/s3-blob-store.js';

@Module({
  imports: [ApplicationsModule],
  controllers: [DocumentsController],
  providers: [
    DocumentsService,
    DocumentsRepository,
    DocumentsSweeper,
    {
      provide: BLOB_STORE,
      inject: [APP_CONFIG, TransactionHost],
      useFactory: (config: AppConfig, tx: TransactionHost) => (config.documents.s3 ? new S3BlobStore(config.documents.s3) : new PostgresBlobStore(tx)),
    },
  ],
  exports: [DocumentsService, DocumentsRepository],
})
export class DocumentsModule {}
