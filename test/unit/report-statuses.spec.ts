// The reports' status lists come from the workflow's constants: every status of the database
// enum lands in exactly the right sets, so a status added later cannot be forgotten by a report.
import { ALL_STATUSES, stepOf, TERMINAL } from '../../src/applications/workflow.js';
import { ApplicationStatus } from '../../src/generated/prisma/enums.js';
import { LEFT_PROCEDURE, LIVE_STATUSES, OPEN_STATUSES, OPERATIONAL_STATUSES, sqlList, stepCaseSql } from '../../src/reports/report-statuses.js';
import { requireFollowUpYearStarted } from '../../src/projects/follow-up.js';

describe('report status lists', () => {
  it('covers every status of the database enum', () => {
    expect([...ALL_STATUSES].sort()).toEqual(Object.values(ApplicationStatus).sort());
  });

  it('puts the audit statuses where they belong: AUDIT_IN_PROGRESS open, AUDIT_DELIVERED terminal, neither with a step', () => {
    expect(OPEN_STATUSES).toContain('AUDIT_IN_PROGRESS');
    expect(OPEN_STATUSES).not.toContain('AUDIT_DELIVERED');
    expect(OPEN_STATUSES.filter((s) => TERMINAL.includes(s))).toEqual([]);
    expect(stepCaseSql('a.status')).not.toContain('AUDIT_');
    expect(stepOf('AUDIT_IN_PROGRESS')).toBeNull();
  });

  it('counts as live what is open or ended with a result, never what left the procedure', () => {
    expect(LEFT_PROCEDURE.every((s) => TERMINAL.includes(s))).toBe(true);
    expect([...LIVE_STATUSES].sort()).toEqual(ALL_STATUSES.filter((s) => !['REJECTED', 'WITHDRAWN', 'CLOSED'].includes(s)).sort());
    expect(LIVE_STATUSES).toEqual(expect.arrayContaining(['COMPLETED', 'AUDIT_DELIVERED', 'AUDIT_IN_PROGRESS', 'DRAFT']));
    expect([...OPERATIONAL_STATUSES].sort()).toEqual(['COMPLETED', 'RECEIPT_ISSUED', 'STEP3_IN_PROGRESS']);
  });

  it('writes SQL lists and the step CASE from them', () => {
    expect(sqlList(['DRAFT', 'SUBMITTED'])).toBe(`('DRAFT','SUBMITTED')`);
    expect(sqlList([])).toBe('(NULL)');
    expect(() => sqlList(["DRAFT') OR ('1'='1" as never])).toThrow(/not a status identifier/);
    expect(stepCaseSql('a.status')).toBe(
      `CASE WHEN a.status IN ('DRAFT','SITE_MEETING_HELD','SUBMITTED','CARPEC_REVIEW','AWAITING_DECISION') THEN 1 ` +
        `WHEN a.status IN ('STEP2_IN_PROGRESS','DELIVERABLES_RECEIVED','RECEIPT_ISSUED') THEN 2 ` +
        `WHEN a.status IN ('STEP3_IN_PROGRESS','COMPLETED') THEN 3 END`,
    );
  });
});

describe('follow-up year rule', () => {
  it('accepts the current and past years, refuses a later one naming the rule', () => {
    expect(() => requireFollowUpYearStarted(2026, '2026-12-31')).not.toThrow();
    expect(() => requireFollowUpYearStarted(2001, '2026-01-01')).not.toThrow();
    try {
      requireFollowUpYearStarted(2027, '2026-12-31');
      throw new Error('not refused');
    } catch (e) {
      expect((e as { status: number }).status).toBe(422);
      expect((e as { toProblem(): Record<string, unknown> }).toProblem()).toMatchObject({ rule: 'follow-up-year-in-future', year: 2027, currentYear: 2026 });
    }
  });
});
