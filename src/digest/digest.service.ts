import { Injectable, Logger } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import type { Principal, Territory } from '../common/access/principal.js';
import { forbidden, notFound } from '../common/errors/problem.js';
import { parisToday } from '../common/validation/dates.js';
import type { Role } from '../generated/prisma/enums.js';
import { type DigestItem, type DigestSection, digestHtml, digestSubject, digestText, dossierCount, SECTION_WORDS, type SectionKey } from './digest-mail.js';
import { type DigestPerson, DigestRepository, type DigestRow } from './digest.repository.js';
import { Mailer } from './mailer.js';

export interface Digest {
  date: string;
  subject: string;
  dailyDigest: boolean;
  sections: DigestSection[];
  text: string;
  html: string;
}

/** What a run of the daily digests did: people opted in with a role that has one, sent, empty, failed. */
export interface DigestRun {
  recipients: number;
  sent: number;
  skippedEmpty: number;
  failed: number;
}

const toItem = (r: DigestRow): DigestItem => ({
  applicationId: r.applicationId,
  projectName: r.projectName,
  communeName: r.communeName,
  departmentCode: r.departmentCode,
  status: r.status,
  ...(r.dueOn !== null && { dueOn: r.dueOn }),
  ...(r.daysLate !== null && r.daysLate > 0 && { daysLate: r.daysLate }),
});

const section = (key: SectionKey, rows: DigestRow[]): DigestSection => ({ key, title: SECTION_WORDS[key].title, items: rows.map(toItem) });

const territoryOfPerson = (p: DigestPerson): Territory => (p.departmentCode ? { regionCode: p.regionCode, departmentCode: p.departmentCode } : { regionCode: p.regionCode });

/**
 * The daily e-mail of what waits for each person (issue 22): an instructor's overdue and
 * soon-due récépissés and assigned dossiers, the DG ARS's decisions and récépissés to sign,
 * in the territory of the person's organisation. Other roles have no digest.
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger('Digest');

  /** The sections of each role that has a digest, most urgent first. */
  private readonly builders: Partial<Record<Role, (person: DigestPerson, date: string) => Promise<DigestSection[]>>> = {
    INSTRUCTOR: async (person, date) => {
      const rows = await this.digests.instructorRows(territoryOfPerson(person), person.id, date);
      const due = rows.filter((r) => r.receiptDueBy);
      const late = (r: DigestRow) => (r.daysLate ?? 0) > 0;
      const overdue = due.filter(late);
      const soon = due.filter((r) => !late(r));
      const assigned = rows.filter((r) => r.assigned);
      return [section('RECEIPT_OVERDUE', overdue), section('RECEIPT_DUE_SOON', soon), section('ASSIGNED', assigned)];
    },
    DIRECTOR: async (person, date) => {
      const rows = await this.digests.directorRows(territoryOfPerson(person), date);
      const decisions = rows.filter((r) => r.awaitingDecision);
      const receipts = rows.filter((r) => r.receiptAwaited);
      return [section('DECISION_TO_SIGN', decisions), section('RECEIPT_TO_SIGN', receipts)];
    },
  };

  constructor(
    private readonly digests: DigestRepository,
    private readonly mailer: Mailer,
    private readonly writes: AuditedWrites,
  ) {}

  /** The roles that receive a digest. */
  get roles(): Role[] {
    return Object.keys(this.builders) as Role[];
  }

  /** The digest of an active user on `date` (YYYY-MM-DD, Europe/Paris); null for an unknown or inactive user. */
  async digestFor(userId: string, date: string): Promise<Digest | null> {
    const person = await this.digests.person(userId);
    return person ? this.compose(person, date) : null;
  }

  /** GET /me/digest: the caller's digest today. */
  async mine(principal: Principal): Promise<Digest> {
    assertPerson(principal);
    const digest = await this.digestFor(principal.id, parisToday());
    if (!digest) throw notFound(`User ${principal.id}`);
    return digest;
  }

  /** PUT /me/digest-preferences: opt out of (or back into) the daily e-mail; audited, the user's version bumped. */
  async setPreferences(principal: Principal, dailyDigest: boolean): Promise<{ dailyDigest: boolean }> {
    assertPerson(principal);
    return this.writes.change(principal, {
      what: `User ${principal.id}`,
      entity: 'user',
      entityId: principal.id,
      action: 'user.digest_preferences',
      expectedVersion: undefined,
      find: () => this.digests.person(principal.id),
      write: (before) => this.digests.setDailyDigest(principal.id, before.version, dailyDigest),
      view: (row) => ({ dailyDigest: row.dailyDigest }),
      regionCode: (row) => row.regionCode,
    });
  }

  /**
   * Sends `date`'s digest to every active person of a role that has one and who did not opt
   * out, when something waits for them. One person's failure (the SMTP server refused, a
   * query failed) is logged and the others still get theirs. Without SMTP_URL the mails are
   * logged only (Mailer), and none counts as sent.
   */
  async sendAll(date: string): Promise<DigestRun> {
    const people = await this.digests.recipients(this.roles);
    const run: DigestRun = { recipients: people.length, sent: 0, skippedEmpty: 0, failed: 0 };
    for (const person of people) {
      try {
        const digest = await this.compose(person, date);
        if (dossierCount(digest.sections) === 0) {
          run.skippedEmpty++;
          continue;
        }
        if (await this.mailer.send({ to: person.email, subject: digest.subject, text: digest.text, html: digest.html })) run.sent++;
      } catch (error) {
        run.failed++;
        this.logger.error({ userId: person.id, err: error }, 'daily digest not sent');
      }
    }
    this.logger.log({ date, ...run, smtp: this.mailer.enabled }, 'daily digests');
    return run;
  }

  private async compose(person: DigestPerson, date: string): Promise<Digest> {
    const sections = (await this.builders[person.role]?.(person, date)) ?? [];
    return {
      date,
      subject: digestSubject(date, sections),
      dailyDigest: person.dailyDigest,
      sections,
      text: digestText(person, date, sections),
      html: digestHtml(person, date, sections),
    };
  }
}

/** A digest, and its preference, belong to a person: an API key has neither. */
function assertPerson(principal: Principal): void {
  if (principal.kind === 'API_KEY') throw forbidden('A digest is for a person: an API key has none.');
}
