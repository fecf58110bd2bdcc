import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';

/** What the health checks and the metrics read of the database, without reaching into the client. */
@Injectable()
export class DatabaseStatus {
  constructor(private readonly prisma: PrismaService) {}

  /** One round trip: resolves when the database answers. */
  async ping(): Promise<void> {
    await this.prisma.pool.query('SELECT 1');
  }

  /** The pool's connections now: open, idle, queries waiting for one, and its size. */
  pool(): { total: number; idle: number; waiting: number; max: number } {
    const p = this.prisma.pool;
    return { total: p.totalCount, idle: p.idleCount, waiting: p.waitingCount, max: p.options.max ?? 0 };
  }
}
