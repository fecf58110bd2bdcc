import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { Prisma } from '../generated/prisma/client.js';
import { type Db, TransactionHost } from './transaction-host.js';

/** A repository: the only code that sends statements, through the current transaction when there is one. */
@Injectable()
export abstract class Repository {
  constructor(protected readonly txHost: TransactionHost) {}

  /** The ORM. */
  protected get db(): Db {
    return this.txHost.db;
  }

  /** The rows of a tagged statement sent without the ORM (TransactionHost.query): for the hot paths. */
  protected async sql<R extends pg.QueryResultRow>(strings: TemplateStringsArray, ...values: unknown[]): Promise<R[]> {
    return (await this.txHost.query<R>(Prisma.sql(strings, ...values))).rows;
  }

  /** The count of rows a tagged statement sent without the ORM wrote. */
  protected async sqlCount(strings: TemplateStringsArray, ...values: unknown[]): Promise<number> {
    return (await this.txHost.query(Prisma.sql(strings, ...values))).rowCount ?? 0;
  }
}
