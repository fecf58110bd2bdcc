// What a dossier's move announces (API.md, Notifications). Pure: the workflow's action and
// event become the outbox's events.
import type { NewEvent } from './event-types.js';

export interface MovedDossier {
  id: string;
  regionCode: string;
  departmentCode: string;
}

export interface MoveFacts {
  action: string;
  fromStatus: string;
  toStatus: string;
  /** The dossier event the move wrote (its type, reason and data). */
  event: { type: string; reason?: string; data?: unknown };
}

const SPECIFIC: Record<string, NewEvent['type'] | undefined> = {
  RECORD_OPINION: 'application.opinion_recorded',
  APPROVE: 'application.decision_recorded',
  REJECT: 'application.decision_recorded',
  ISSUE_RECEIPT: 'application.receipt_issued',
};

/** `application.status_changed` when the status changed, and the move's own event (an opinion, a decision, a récépissé). */
export function moveEvents(dossier: MovedDossier, move: MoveFacts): NewEvent[] {
  const base = { regionCode: dossier.regionCode, departmentCode: dossier.departmentCode, applicationId: dossier.id };
  const details = { ...(move.event.data as Record<string, unknown> | undefined), ...(move.event.reason !== undefined && { reason: move.event.reason }) };
  const events: NewEvent[] = [];
  if (move.fromStatus !== move.toStatus) {
    events.push({
      ...base,
      type: 'application.status_changed',
      data: {
        applicationId: dossier.id,
        departmentCode: dossier.departmentCode,
        action: move.action,
        fromStatus: move.fromStatus,
        toStatus: move.toStatus,
        event: move.event.type,
        ...details,
      },
    });
  }
  const specific = SPECIFIC[move.action];
  if (specific) {
    const outcome = move.action === 'APPROVE' ? { outcome: 'APPROVED' } : move.action === 'REJECT' ? { outcome: 'REJECTED' } : {};
    events.push({ ...base, type: specific, data: { applicationId: dossier.id, departmentCode: dossier.departmentCode, status: move.toStatus, ...details, ...outcome } });
  }
  return events;
}
