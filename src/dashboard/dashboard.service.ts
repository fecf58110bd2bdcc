import { Injectable } from '@nestjs/common';
import { stepOf } from '../applications/workflow.js';
import { fundersVisibleTo, type Principal, territoryOf } from '../common/access/principal.js';
import { centsToJson } from '../common/money.js';
import { parisToday } from '../common/validation/dates.js';
import { DashboardRepository } from './dashboard.repository.js';
import type { DashboardDto } from './dto/dashboard.dto.js';

/** The console's first page: where the territory's dossiers stand, what is due, what is left to commit. */
@Injectable()
export class DashboardService {
  constructor(private readonly dashboard: DashboardRepository) {}

  async read(p: Principal): Promise<DashboardDto> {
    const date = parisToday();
    const row = await this.dashboard.read(territoryOf(p), date, fundersVisibleTo(p), 50);
    return {
      date,
      byStatus: row.byStatus.map((s) => ({ ...s, step: stepOf(s.status) })),
      deadlines: row.deadlines,
      urgent: row.urgent,
      envelopes: row.envelopes.map((e) => {
        const [amount, committed] = [BigInt(e.amountCents), BigInt(e.committedCents)];
        return {
          funder: e.funder,
          amountCents: centsToJson(amount),
          committedCents: centsToJson(committed),
          remainingCents: centsToJson(amount - committed),
          paidCents: centsToJson(BigInt(e.paidCents)),
        };
      }),
    };
  }
}
