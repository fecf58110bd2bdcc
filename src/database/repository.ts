import { Injectable } from '@nestjs/common';
import { type Db, TransactionHost } from './transaction-host.js';

/** A repository: the only code that sends statements, through the current transaction when there is one. */
@Injectable()
export abstract class Repository {
  constructor(protected readonly txHost: TransactionHost) {}

  protected get db(): Db {
    return this.txHost.db;
  }
}
