import { OutboxRepository } from '../outbox/outbox.repository.js';
import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository.js';
import type { Principal } from '../common/access/principal.js';
import { EnvelopesRepository } from '../envelopes/envelopes.repository.js';
import { FundingRepository } from './funding.repository.js';

/**
 * A dossier leaves the procedure (withdrawal, closure): its committed plan becomes RELEASED
 * (partners' commitments given back, no more payments; what was paid is to recover) and what
 * it consumed goes back to the envelopes (docs/domain.md, Released plans). In the move's
 * transaction.
 */
@Injectable()
export class PlanRelease {
  constructor(
    private readonly funding: FundingRepository,
    private readonly envelopes: EnvelopesRepository,
    private readonly audit: AuditRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  async release(principal: Principal, dossier: { id: string; regionCode: string; departmentCode: string }, note: string): Promise<void> {
    const plan = await this.funding.releasePlan(dossier.id);
    const envelopes = await this.envelopes.releaseApplication(dossier.id, principal.id, note);
    if (!plan) return;
    await this.outbox.publish({
      type: 'funding_plan.released',
      regionCode: dossier.regionCode,
      departmentCode: dossier.departmentCode,
      applicationId: dossier.id,
      data: { applicationId: dossier.id, departmentCode: dossier.departmentCode, planId: plan.id, status: 'RELEASED', note },
    });
    await this.audit.change(principal, {
      action: 'funding_plan.release',
      entity: 'funding_plan',
      entityId: plan.id,
      regionCode: dossier.regionCode,
      before: { status: 'COMMITTED' },
      after: { status: 'RELEASED', envelopes: envelopes.map((e) => ({ envelopeId: e.envelopeId, amountCents: Number(e.amountCents) })) },
    });
  }
}
