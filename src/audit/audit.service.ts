import { Injectable } from '@nestjs/common';
import { assertRegionWide, type Principal, territoryOf } from '../common/access/principal.js';
import { notFound } from '../common/errors/problem.js';
import { decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../common/http/pagination.js';
import { AuditRepository } from './audit.repository.js';
import type { AuditQuery, AuditRowDto } from './dto/audit.dto.js';

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  async trail(p: Principal, q: AuditQuery): Promise<Page<AuditRowDto>> {
    // A département's caller (never an ARS role through the API, but the scope is the
    // principal's, not the role's) reads the trail of one dossier of its département only.
    if (p.departmentCode) {
      if (!q.id) assertRegionWide(p, "The region's audit trail");
      const inScope = q.entity === 'application' && /^[0-9a-f-]{36}$/i.test(q.id!) && (await this.audit.dossierIn(territoryOf(p), q.id!));
      if (!inScope) throw notFound(`The audit trail of ${q.entity ?? 'object'} ${q.id}`);
    }
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = decodeCursor(q.cursor, /^\d{1,19}$/);
    await this.audit.seal({ wait: true });
    const rows = await this.audit.trail(p.regionCode, { entity: q.entity, entityId: q.id, afterId: after ? BigInt(after) : undefined }, limit + 1);
    return toPage(
      rows,
      limit,
      (r) => r.id.toString(),
      (r) => ({
        at: r.at.toISOString(),
        actorId: r.actorId,
        actorKind: r.actorKind,
        action: r.action,
        entity: r.entity,
        entityId: r.entityId,
        requestId: r.requestId,
        before: r.before,
        after: r.after,
        hash: r.seal?.hash ?? null,
        prevHash: r.seal?.prevHash ?? null,
      }),
    );
  }
}
