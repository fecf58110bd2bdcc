import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';
import { DatabaseStatus } from './database-status.js';
import { TransactionHost } from './transaction-host.js';

@Global()
@Module({ providers: [PrismaService, TransactionHost, DatabaseStatus], exports: [PrismaService, TransactionHost, DatabaseStatus] })
export class DatabaseModule {}
