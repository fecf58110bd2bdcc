// `npm run seed:demo`: a realistic data set of Auvergne-Rhône-Alpes (region 84) that a new user
// wants to open: the region's official communes (the State's dataset, as `reference:load`), an
// illustrative zoning of some of them (demo data, not the ARS's official zoning), promoters and
// projects in the twelve départements, and 43 dossiers spread over every status of both
// procedures — a new centre through étapes 1, 2 and 3, an existing one straight to étape 3, a
// centre becoming polyvalent, audits — with CARPEC séances (five held, their opinions of every
// outcome; one to come, its agenda set), the DG's decisions, récépissés (some late), expenses
// and funding plans, plans committed against the envelopes (CPER AURA, DSIL, DETR), the
// partners' commitments and payments in tranches, and a PIPELINE report run.
// Everything goes through the application's services as the people would do it (the bootstrap
// admin, a demo instructor and DG of the ARS, demo partners of the Région and the préfectures),
// with the business rules and the audit trail of the API. Every date is fixed (2026) and on or
// before DEMO_DAY. Running it twice changes nothing: what exists (by name) is kept, and a
// dossier only moves on from where it stands towards its stage.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { Bootstrap, printBootstrapBanner } from '../accounts/bootstrap.js';
import { CreateOrganizationDto, CreateUserDto } from '../accounts/dto/accounts.dto.js';
import { OrganizationsRepository } from '../accounts/organizations.repository.js';
import { OrganizationsService } from '../accounts/organizations.service.js';
import { UsersRepository } from '../accounts/users.repository.js';
import { UsersService } from '../accounts/users.service.js';
import { ApplicationsService } from '../applications/applications.service.js';
import {
  AuditPlanDto,
  CompleteDto,
  CreateApplicationDto,
  DecisionDto,
  DeliverablesDto,
  ReasonDto,
  ReceiptDto,
  SiteMeetingDto,
  SubmitDto,
  type ApplicationDto,
} from '../applications/dto/application.dto.js';
import { CarpecService } from '../carpec/carpec.service.js';
import { AgendaItemDto, CreateSessionDto, OpinionDto } from '../carpec/dto/carpec.dto.js';
import type { Principal } from '../common/access/principal.js';
import { ApiProblem } from '../common/errors/problem.js';
import type { Page } from '../common/http/pagination.js';
import { validateArray, validateBody } from '../common/http/validation.js';
import { CreateEnvelopeDto } from '../envelopes/dto/envelope.dto.js';
import { EnvelopesService } from '../envelopes/envelopes.service.js';
import { CommitmentDto, CreateRuleSetDto, DetrConfirmationDto, ExpenseDto, PaymentDto, type PlanDto } from '../funding/dto/funding.dto.js';
import { CPER_AURA_ENVELOPES, EXAMPLE_RULE_SETS } from '../funding/examples.js';
import { FundingService } from '../funding/funding.service.js';
import type {
  ApplicationStatus,
  ExpenseCategory,
  ExpenseNature,
  Funder,
  LegalType,
  OpinionOutcome,
  OrganizationType,
  PaymentKind,
  ProjectKind,
  Role,
  Zone,
} from '../generated/prisma/enums.js';
import { CreateProjectDto } from '../projects/dto/project.dto.js';
import { ProjectsService } from '../projects/projects.service.js';
import { CreatePromoterDto } from '../promoters/dto/promoter.dto.js';
import { PromotersService } from '../promoters/promoters.service.js';
import { CommunesService } from '../reference/communes.service.js';
import { DEPARTMENTS_OF_REGION } from '../reference/departments.js';
import { UpdateCommuneDto } from '../reference/dto/commune.dto.js';
import { OfficialService } from '../reference/official/official.service.js';
import { RequestRunsDto } from '../reports/dto/report.dto.js';
import { ReportsRepository } from '../reports/reports.repository.js';
import { ReportsService } from '../reports/reports.service.js';
import { withApplication } from './runtime.js';
import { demoPiece } from './demo-pieces.js';
import { DocumentsService } from '../documents/documents.service.js';

const REGION = '84';
/** The demo's "today": every date of the demo is on or before it (business dates take no future date). */
const DEMO_DAY = '2026-12-02';
/** The date of the demo's PIPELINE report run. */
const REPORT_DATE = '2026-12-01';

// ---------------------------------------------------------------- reference: the demo zoning

/** Illustrative zoning (demo data): ZIP, ZAC, QPV; `rural` only where the demo sets it by hand. */
const COMMUNES: { inseeCode: string; name: string; zone: Zone; qpv?: boolean; rural?: boolean }[] = [
  { inseeCode: '43040', name: 'Brioude', zone: 'ZIP', rural: false },
  { inseeCode: '15187', name: 'Saint-Flour', zone: 'ZIP', rural: false },
  { inseeCode: '03185', name: 'Montluçon', zone: 'ZAC', qpv: true, rural: false },
  { inseeCode: '74119', name: 'Évian-les-Bains', zone: 'ZAC', rural: false },
  { inseeCode: '07010', name: 'Annonay', zone: 'NONE', rural: false },
  { inseeCode: '63003', name: 'Ambert', zone: 'ZIP', rural: false },
  { inseeCode: '26113', name: 'Die', zone: 'ZIP', rural: true },
  { inseeCode: '38269', name: 'La Mure', zone: 'ZIP' },
  { inseeCode: '42095', name: 'Firminy', zone: 'ZAC', qpv: true },
  { inseeCode: '42187', name: 'Roanne', zone: 'ZAC', qpv: true },
  { inseeCode: '69243', name: 'Tarare', zone: 'ZIP' },
  { inseeCode: '69256', name: 'Vaulx-en-Velin', zone: 'ZAC', qpv: true },
  { inseeCode: '73248', name: 'Saint-Jean-de-Maurienne', zone: 'ZAC' },
  { inseeCode: '01283', name: 'Oyonnax', zone: 'ZAC', qpv: true },
  { inseeCode: '01034', name: 'Belley', zone: 'ZIP' },
  { inseeCode: '15138', name: 'Murat', zone: 'ZIP' },
  { inseeCode: '43111', name: 'Landos', zone: 'ZIP' },
  { inseeCode: '43157', name: 'Le Puy-en-Velay', zone: 'ZAC', qpv: true },
  { inseeCode: '07186', name: 'Privas', zone: 'ZAC' },
  { inseeCode: '03190', name: 'Moulins', zone: 'ZAC', qpv: true },
  { inseeCode: '63178', name: 'Issoire', zone: 'ZAC' },
];

const PROMOTERS: { name: string; legalType: LegalType; commune: string }[] = [
  { name: 'Commune de Brioude', legalType: 'COMMUNE', commune: '43040' },
  { name: 'Association Santé Pays de Saint-Flour', legalType: 'ASSOCIATION', commune: '15187' },
  { name: 'Montluçon Communauté', legalType: 'EPCI', commune: '03185' },
  { name: 'SISA Pôle santé du Chablais', legalType: 'SISA', commune: '74119' },
  { name: 'SISA Maison de santé du Livradois', legalType: 'SISA', commune: '63003' },
  { name: 'Communauté des communes du Diois', legalType: 'EPCI', commune: '26113' },
  { name: 'Mutualité Française Drôme-Ardèche', legalType: 'MUTUELLE', commune: '07010' },
  { name: 'Commune de Murat', legalType: 'COMMUNE', commune: '15138' },
  { name: 'Commune de Tarare', legalType: 'COMMUNE', commune: '69243' },
  { name: 'Mutualité Française Loire', legalType: 'MUTUELLE', commune: '42187' },
  { name: 'Commune de La Mure', legalType: 'COMMUNE', commune: '38269' },
  { name: 'Privas Centre Ardèche', legalType: 'EPCI', commune: '07186' },
  { name: 'Haut-Bugey Agglomération', legalType: 'EPCI', commune: '01283' },
  { name: 'Saint-Étienne Métropole', legalType: 'EPCI', commune: '42095' },
  { name: 'Commune de Belley', legalType: 'COMMUNE', commune: '01034' },
  { name: 'Association des centres de santé de Vaulx-en-Velin', legalType: 'ASSOCIATION', commune: '69256' },
  { name: 'Moulins Communauté', legalType: 'EPCI', commune: '03190' },
  { name: 'SISA Maison de santé de Maurienne', legalType: 'SISA', commune: '73248' },
  { name: "Agglo Pays d'Issoire", legalType: 'EPCI', commune: '63178' },
  { name: 'Commune de Voiron', legalType: 'COMMUNE', commune: '38563' },
  { name: 'Association Soins infirmiers du Haut-Bugey', legalType: 'ASSOCIATION', commune: '01283' },
  { name: 'Commune de Landos', legalType: 'COMMUNE', commune: '43111' },
  { name: 'Roannais Agglomération', legalType: 'EPCI', commune: '42187' },
  { name: 'Centre hospitalier de Die', legalType: 'PUBLIC_HEALTH_ESTABLISHMENT', commune: '26113' },
  { name: "Commune d'Évian-les-Bains", legalType: 'COMMUNE', commune: '74119' },
  { name: 'Communauté de communes Brioude Sud Auvergne', legalType: 'EPCI', commune: '43040' },
  { name: 'Commune de Saint-Jean-de-Maurienne', legalType: 'COMMUNE', commune: '73248' },
  { name: 'Commune du Puy-en-Velay', legalType: 'COMMUNE', commune: '43157' },
];

// ---------------------------------------------------------------- séances and their calendars

/** The séances of 2026: five held (their opinions given), one to come in December. */
const SESSIONS = {
  february: { sessionDate: '2026-02-12', title: 'CARPEC Auvergne-Rhône-Alpes du 12 février 2026' },
  april: { sessionDate: '2026-04-16', title: 'CARPEC Auvergne-Rhône-Alpes du 16 avril 2026' },
  june: { sessionDate: '2026-06-18', title: 'CARPEC Auvergne-Rhône-Alpes du 18 juin 2026' },
  september: { sessionDate: '2026-09-24', title: 'CARPEC Auvergne-Rhône-Alpes du 24 septembre 2026' },
  november: { sessionDate: '2026-11-19', title: 'CARPEC Auvergne-Rhône-Alpes du 19 novembre 2026' },
  december: { sessionDate: '2026-12-10', title: 'CARPEC Auvergne-Rhône-Alpes du 10 décembre 2026' },
} as const;
type SessionKey = keyof typeof SESSIONS;
const SESSION_KEYS = Object.keys(SESSIONS) as SessionKey[];

/**
 * The dates of a dossier whose opinion is given at a séance, in the procedure's order
 * (procedure-dates.ts). A récépissé is due two months after the deliverables: `lateReceipt` is
 * past that, `receipt` within it. Absent: the cohort has not got that far by DEMO_DAY.
 */
const CALENDAR: Record<SessionKey, { siteMeeting: string; request: string; decision?: string; deliverables?: string; receipt?: string; lateReceipt?: string; auditPlan?: string }> =
  {
    february: {
      siteMeeting: '2026-01-06',
      request: '2026-01-20',
      decision: '2026-03-02',
      deliverables: '2026-04-13',
      receipt: '2026-05-18',
      lateReceipt: '2026-06-29',
      auditPlan: '2026-05-04',
    },
    april: {
      siteMeeting: '2026-03-03',
      request: '2026-03-23',
      decision: '2026-05-04',
      deliverables: '2026-06-15',
      receipt: '2026-07-20',
      lateReceipt: '2026-08-31',
      auditPlan: '2026-07-06',
    },
    june: {
      siteMeeting: '2026-05-05',
      request: '2026-05-26',
      decision: '2026-07-06',
      deliverables: '2026-08-31',
      receipt: '2026-10-05',
      lateReceipt: '2026-11-12',
      auditPlan: '2026-09-14',
    },
    september: { siteMeeting: '2026-08-18', request: '2026-09-02', decision: '2026-10-12', deliverables: '2026-11-09', receipt: '2026-11-27', auditPlan: '2026-11-23' },
    november: { siteMeeting: '2026-09-15', request: '2026-10-22', decision: '2026-11-30' },
    december: { siteMeeting: '2026-10-13', request: '2026-11-03' },
  };

// ---------------------------------------------------------------- the dossiers

/**
 * NEW: a new centre, étapes 1, 2 and 3; EXISTING: an existing centre, accompanied on étape 3
 * only; POLYVALENT: an existing centre becoming polyvalent (étape 2 like a new one); AUDIT: the
 * audit of an existing centre (workflow.ts).
 */
type Path = 'NEW' | 'EXISTING' | 'POLYVALENT' | 'AUDIT';
const ACCOMPANIMENT_ROUTE: ApplicationStatus[] = [
  'DRAFT',
  'SITE_MEETING_HELD',
  'SUBMITTED',
  'CARPEC_REVIEW',
  'AWAITING_DECISION',
  'STEP2_IN_PROGRESS',
  'DELIVERABLES_RECEIVED',
  'RECEIPT_ISSUED',
  'STEP3_IN_PROGRESS',
  'COMPLETED',
];
const ROUTE: Record<Path, ApplicationStatus[]> = {
  NEW: ACCOMPANIMENT_ROUTE,
  POLYVALENT: ACCOMPANIMENT_ROUTE,
  EXISTING: ['DRAFT', 'SITE_MEETING_HELD', 'SUBMITTED', 'CARPEC_REVIEW', 'AWAITING_DECISION', 'STEP3_IN_PROGRESS', 'COMPLETED'],
  AUDIT: ['DRAFT', 'SUBMITTED', 'CARPEC_REVIEW', 'AWAITING_DECISION', 'AUDIT_IN_PROGRESS', 'AUDIT_DELIVERED'],
};

interface DossierRow {
  name: string;
  commune: string;
  promoter: string;
  kind: ProjectKind;
  /** Where the dossier stands. */
  stage: ApplicationStatus;
  path: Path;
  /** The séance of its opinion, whose calendar dates its steps (default: the December one's). */
  at?: SessionKey;
  /** The CARPEC's opinion (default FAVORABLE; UNFAVORABLE for a rejected dossier). */
  opinion?: OpinionOutcome;
  /** WITHDRAWN or CLOSED: the status it left the procedure from. */
  from?: ApplicationStatus;
  /** Its récépissé issued after its due date. */
  late?: true;
  /** Its plan committed by the DG; PAY: and the partners commit and pay their lines in tranches. */
  funding?: 'COMMIT' | 'PAY';
  /** The préfecture de département confirms the promoter's DETR eligibility (TO_CONFIRM). */
  detr?: true;
  /** Doctors, professionals, population served (default by kind). */
  size?: [number, number, number];
  /** Why it was withdrawn or closed, or what the site meeting found. */
  note?: string;
}

// prettier-ignore
const DOSSIERS: DossierRow[] = [
  { name: 'MSP du Chablais', commune: '74119', promoter: 'SISA Pôle santé du Chablais', kind: 'MSP', stage: 'DRAFT', path: 'NEW', size: [6, 14, 15_000] },
  { name: 'MSP de Murat', commune: '15138', promoter: 'Commune de Murat', kind: 'MSP', stage: 'DRAFT', path: 'NEW' },
  { name: 'Centre de santé infirmier de Tarare', commune: '69243', promoter: 'Commune de Tarare', kind: 'CDS_INFIRMIER', stage: 'DRAFT', path: 'NEW' },
  { name: 'Audit du centre de santé mutualiste de Roanne', commune: '42187', promoter: 'Mutualité Française Loire', kind: 'CDS_POLYVALENT', stage: 'DRAFT', path: 'AUDIT' },
  { name: 'MSP de Brioude', commune: '43040', promoter: 'Commune de Brioude', kind: 'MSP', stage: 'SITE_MEETING_HELD', path: 'NEW', size: [4, 12, 9_000] },
  { name: 'Maison de santé de La Mure', commune: '38269', promoter: 'Commune de La Mure', kind: 'MSP', stage: 'SITE_MEETING_HELD', path: 'NEW' },
  { name: 'Centre de santé de Privas', commune: '07186', promoter: 'Privas Centre Ardèche', kind: 'CDS_MEDICAL', stage: 'SITE_MEETING_HELD', path: 'NEW' },
  { name: 'Maison de santé du Diois', commune: '26113', promoter: 'Communauté des communes du Diois', kind: 'MSP', stage: 'SUBMITTED', path: 'NEW', size: [3, 9, 8_500] },
  { name: 'MSP du Haut-Bugey', commune: '01283', promoter: 'Haut-Bugey Agglomération', kind: 'MSP', stage: 'SUBMITTED', path: 'NEW' },
  { name: 'Audit du centre de santé des Hauts de Firminy', commune: '42095', promoter: 'Saint-Étienne Métropole', kind: 'CDS_MEDICAL', stage: 'SUBMITTED', path: 'AUDIT' },
  { name: 'Centre de santé médical Fontbouillant', commune: '03185', promoter: 'Montluçon Communauté', kind: 'CDS_MEDICAL', stage: 'CARPEC_REVIEW', path: 'EXISTING', size: [5, 9, 12_000] },
  { name: 'MSP de Belley', commune: '01034', promoter: 'Commune de Belley', kind: 'MSP', stage: 'CARPEC_REVIEW', path: 'NEW' },
  { name: 'Centre de santé dentaire du Mas du Taureau', commune: '69256', promoter: 'Association des centres de santé de Vaulx-en-Velin', kind: 'CDS_DENTAIRE', stage: 'CARPEC_REVIEW', path: 'NEW' },
  { name: 'Audit du centre de santé de Moulins', commune: '03190', promoter: 'Moulins Communauté', kind: 'CDS_POLYVALENT', stage: 'CARPEC_REVIEW', path: 'AUDIT' },
  { name: 'MSP de Saint-Jean-de-Maurienne', commune: '73248', promoter: 'SISA Maison de santé de Maurienne', kind: 'MSP', stage: 'AWAITING_DECISION', path: 'NEW', at: 'november' },
  { name: "Centre de santé polyvalent d'Issoire", commune: '63178', promoter: "Agglo Pays d'Issoire", kind: 'CDS_POLYVALENT', stage: 'AWAITING_DECISION', path: 'NEW', at: 'november', opinion: 'FAVORABLE_WITH_RESERVATIONS' },
  { name: 'Audit du centre de santé de Montluçon Ville-Gozet', commune: '03185', promoter: 'Montluçon Communauté', kind: 'CDS_MEDICAL', stage: 'AWAITING_DECISION', path: 'AUDIT', at: 'november' },
  { name: 'Centre de santé de Voiron', commune: '38563', promoter: 'Commune de Voiron', kind: 'CDS_MEDICAL', stage: 'REJECTED', path: 'NEW', at: 'june' },
  { name: "Audit du centre de soins infirmiers d'Oyonnax", commune: '01283', promoter: 'Association Soins infirmiers du Haut-Bugey', kind: 'CDS_INFIRMIER', stage: 'REJECTED', path: 'AUDIT', at: 'september' },
  { name: 'Centre de santé polyvalent de Saint-Flour', commune: '15187', promoter: 'Association Santé Pays de Saint-Flour', kind: 'CDS_POLYVALENT', stage: 'STEP2_IN_PROGRESS', path: 'NEW', at: 'june', funding: 'PAY', size: [3, 7, 7_500] },
  { name: 'MSP de Landos', commune: '43111', promoter: 'Commune de Landos', kind: 'MSP', stage: 'STEP2_IN_PROGRESS', path: 'NEW', at: 'september', funding: 'PAY' },
  { name: 'Centre de santé polyvalent de Moulins', commune: '03190', promoter: 'Moulins Communauté', kind: 'CDS_POLYVALENT', stage: 'STEP2_IN_PROGRESS', path: 'NEW', at: 'november', funding: 'COMMIT' },
  { name: 'Centre de santé de Tarare, devenant polyvalent', commune: '69243', promoter: 'Commune de Tarare', kind: 'CDS_POLYVALENT', stage: 'STEP2_IN_PROGRESS', path: 'POLYVALENT', at: 'september', funding: 'PAY' },
  { name: 'MSP du Pays de Brioude', commune: '43040', promoter: 'Communauté de communes Brioude Sud Auvergne', kind: 'MSP', stage: 'DELIVERABLES_RECEIVED', path: 'NEW', at: 'september', funding: 'PAY' },
  { name: 'Centre de santé médical de Roanne', commune: '42187', promoter: 'Roannais Agglomération', kind: 'CDS_MEDICAL', stage: 'DELIVERABLES_RECEIVED', path: 'NEW', at: 'june', funding: 'COMMIT' },
  { name: "Maison de santé pluriprofessionnelle d'Ambert", commune: '63003', promoter: 'SISA Maison de santé du Livradois', kind: 'MSP', stage: 'RECEIPT_ISSUED', path: 'NEW', at: 'june', opinion: 'FAVORABLE_WITH_RESERVATIONS', funding: 'COMMIT', size: [5, 13, 11_000] },
  { name: 'Centre de santé du Mas du Taureau', commune: '69256', promoter: 'Association des centres de santé de Vaulx-en-Velin', kind: 'CDS_MEDICAL', stage: 'RECEIPT_ISSUED', path: 'NEW', at: 'september', funding: 'PAY' },
  { name: 'Maison de santé de Die', commune: '26113', promoter: 'Centre hospitalier de Die', kind: 'MSP', stage: 'RECEIPT_ISSUED', path: 'NEW', at: 'june', late: true, funding: 'PAY' },
  { name: 'Maison de santé pluriprofessionnelle de Privas', commune: '07186', promoter: 'Privas Centre Ardèche', kind: 'MSP', stage: 'STEP3_IN_PROGRESS', path: 'NEW', at: 'april', funding: 'PAY' },
  { name: "Centre de santé polyvalent d'Évian-les-Bains", commune: '74119', promoter: "Commune d'Évian-les-Bains", kind: 'CDS_POLYVALENT', stage: 'STEP3_IN_PROGRESS', path: 'NEW', at: 'june', opinion: 'FAVORABLE_WITH_RESERVATIONS', late: true, funding: 'PAY' },
  { name: 'Centre de santé de Montluçon Bien-Assis', commune: '03185', promoter: 'Montluçon Communauté', kind: 'CDS_MEDICAL', stage: 'STEP3_IN_PROGRESS', path: 'EXISTING', at: 'june', funding: 'PAY' },
  { name: 'Centre de santé municipal de Saint-Jean-de-Maurienne', commune: '73248', promoter: 'Commune de Saint-Jean-de-Maurienne', kind: 'CDS_MEDICAL', stage: 'STEP3_IN_PROGRESS', path: 'EXISTING', at: 'september', funding: 'COMMIT' },
  { name: 'Maison de santé du Puy-en-Velay Guitard', commune: '43157', promoter: 'Commune du Puy-en-Velay', kind: 'MSP', stage: 'COMPLETED', path: 'NEW', at: 'february', funding: 'PAY', detr: true },
  { name: "MSP d'Issoire Val d'Allier", commune: '63178', promoter: "Agglo Pays d'Issoire", kind: 'MSP', stage: 'COMPLETED', path: 'NEW', at: 'february', late: true, funding: 'PAY' },
  { name: 'Centre de santé de Firminy Centre', commune: '42095', promoter: 'Saint-Étienne Métropole', kind: 'CDS_POLYVALENT', stage: 'COMPLETED', path: 'EXISTING', at: 'april', opinion: 'FAVORABLE_WITH_RESERVATIONS', funding: 'PAY' },
  { name: 'Audit du centre de santé de Belley', commune: '01034', promoter: 'Commune de Belley', kind: 'CDS_MEDICAL', stage: 'AUDIT_IN_PROGRESS', path: 'AUDIT', at: 'september' },
  { name: 'Audit du centre de santé de Tarare', commune: '69243', promoter: 'Commune de Tarare', kind: 'CDS_MEDICAL', stage: 'AUDIT_DELIVERED', path: 'AUDIT', at: 'april' },
  { name: 'Audit du centre de santé de Privas', commune: '07186', promoter: 'Privas Centre Ardèche', kind: 'CDS_POLYVALENT', stage: 'AUDIT_DELIVERED', path: 'AUDIT', at: 'february' },
  { name: "Centre de santé dentaire d'Annonay", commune: '07010', promoter: 'Mutualité Française Drôme-Ardèche', kind: 'CDS_DENTAIRE', stage: 'WITHDRAWN', from: 'SITE_MEETING_HELD', path: 'NEW', at: 'june', size: [0, 4, 16_000],
    note: 'Commune hors zonage (ni ZIP, ni ZAC, ni QPV) : la Mutualité retire sa demande et finance le centre sur ses fonds propres.' },
  { name: 'Centre de santé infirmier de Belley', commune: '01034', promoter: 'Commune de Belley', kind: 'CDS_INFIRMIER', stage: 'WITHDRAWN', from: 'SUBMITTED', path: 'NEW', at: 'june',
    note: 'Les infirmiers rejoignent le projet de MSP de Belley : la commune retire la demande du centre infirmier.' },
  { name: 'Audit du centre de santé de Saint-Flour Ville-Haute', commune: '15187', promoter: 'Association Santé Pays de Saint-Flour', kind: 'CDS_MEDICAL', stage: 'WITHDRAWN', from: 'SUBMITTED', path: 'AUDIT', at: 'april',
    note: "Le déficit est résorbé par la reprise d'un cabinet : l'association retire sa demande d'audit." },
  { name: 'Centre de santé de la Matheysine', commune: '38269', promoter: 'Commune de La Mure', kind: 'CDS_MEDICAL', stage: 'CLOSED', from: 'STEP2_IN_PROGRESS', path: 'NEW', at: 'april', funding: 'PAY',
    note: "Classé sans suite : les deux médecins salariés pressentis ont renoncé ; le projet est repris dans celui de la maison de santé de La Mure." },
  { name: "Audit du centre de santé d'Issoire Les Pradets", commune: '63178', promoter: "Agglo Pays d'Issoire", kind: 'CDS_MEDICAL', stage: 'CLOSED', from: 'AUDIT_IN_PROGRESS', path: 'AUDIT', at: 'february',
    note: "Classé sans suite : le centre a fermé au 30 juin 2026, ses patients sont suivis par la MSP d'Issoire." },
];

/** The site meetings of the first demo dossiers, as the instructors wrote them. */
const SITE_MEETINGS: Record<string, { participants: string; findings: string }> = {
  'MSP de Brioude': {
    participants: 'Maire de Brioude, 4 médecins généralistes, 3 IDE, 1 kinésithérapeute, ARS (DD43)',
    findings: "Projet porté par la commune dans l'ancienne école Jean-Moulin ; deux médecins partent en retraite d'ici 2028. Projet de santé à écrire avec les professionnels.",
  },
  'Maison de santé du Diois': {
    participants: 'Président de la communauté des communes du Diois, 3 médecins, 2 IDE, 1 sage-femme, ARS (DD26)',
    findings: 'Bassin de vie de montagne très étendu ; locaux intercommunaux disponibles près du centre hospitalier. SISA en cours de constitution.',
  },
  'Centre de santé médical Fontbouillant': {
    participants: 'Vice-présidente santé de Montluçon Communauté, directrice du centre, 5 médecins salariés, ARS (DD03)',
    findings: "Centre existant du quartier prioritaire de Fontbouillant : extension d'un cabinet et recrutement de deux médecins salariés.",
  },
  'Centre de santé polyvalent de Saint-Flour': {
    participants: "Présidente de l'association, 3 médecins, 2 IDE, 1 dentiste, 1 orthophoniste, ARS (DD15)",
    findings: "Réhabilitation de l'ancienne gendarmerie de la ville haute ; gestion associative, médecins salariés ; équilibre budgétaire démontré sur trois ans.",
  },
  "Maison de santé pluriprofessionnelle d'Ambert": {
    participants: "Maire d'Ambert, gérant de la SISA, 5 médecins, 4 IDE, 2 kinésithérapeutes, 1 pharmacien, ARS (DD63)",
    findings: 'Regroupement de trois cabinets du Livradois dans un bâtiment neuf ; permanence des soins organisée avec le centre hospitalier.',
  },
  "Centre de santé dentaire d'Annonay": {
    participants: 'Directeur de la Mutualité Française Drôme-Ardèche, 2 chirurgiens-dentistes, ARS (DD07)',
    findings: "Annonay n'est ni en ZIP ni en ZAC ni en QPV : le dossier n'est pas éligible à l'accompagnement.",
  },
};

/** Doctors, professionals and population served by kind, when the row gives none. */
const TEAM: Record<ProjectKind, [number, number, number]> = {
  MSP: [4, 12, 9_000],
  CDS_MEDICAL: [4, 8, 12_000],
  CDS_POLYVALENT: [3, 9, 10_000],
  CDS_DENTAIRE: [0, 5, 14_000],
  CDS_INFIRMIER: [0, 6, 8_000],
  PSP: [2, 6, 5_000],
  ANTENNE: [1, 3, 3_000],
};

type ExpenseLine = [ExpenseCategory, ExpenseNature, string, number];
/** Expenses by kind of work (euros HT): building a maison de santé, refitting premises, extending a centre. */
const EXPENSES: Record<'BUILDING' | 'REFIT' | 'EXTENSION', ExpenseLine[]> = {
  BUILDING: [
    ['IMMOBILIER', 'WORKS', 'Construction du bâtiment', 900_000],
    ['IMMOBILIER', 'FEES_STUDIES', "Maîtrise d'œuvre et études", 80_000],
    ['EQUIPEMENT', 'MEDICAL_EQUIPMENT', 'Équipement médical partagé', 70_000],
    ['EQUIPEMENT', 'FURNITURE', "Mobilier des cabinets et de l'accueil", 25_000],
    ['SI_PARTAGE', 'IT_FIRST_PURCHASE', 'Logiciel de dossier patient partagé labellisé', 18_000],
    ['INGENIERIE', 'OTHER', "Accompagnement à l'élaboration du projet de santé", 12_000],
  ],
  REFIT: [
    ['IMMOBILIER', 'WORKS', 'Réhabilitation des locaux', 420_000],
    ['IMMOBILIER', 'FEES_STUDIES', "Maîtrise d'œuvre et études", 38_000],
    ['EQUIPEMENT', 'MEDICAL_EQUIPMENT', "Équipement médical (échographe, ECG, tables d'examen)", 55_000],
    ['EQUIPEMENT', 'FURNITURE', 'Mobilier des cabinets', 18_000],
    ['SI_PARTAGE', 'IT_FIRST_PURCHASE', "Système d'information partagé", 15_000],
    ['INGENIERIE', 'OTHER', 'Coordination du projet de santé', 10_000],
  ],
  EXTENSION: [
    ['IMMOBILIER', 'WORKS', 'Extension et mise aux normes des locaux', 180_000],
    ['EQUIPEMENT', 'MEDICAL_EQUIPMENT', 'Équipement des nouveaux cabinets', 40_000],
    ['SI_PARTAGE', 'IT_FIRST_PURCHASE', "Extension du système d'information partagé", 12_000],
  ],
};

// ---------------------------------------------------------------- people and money

const DEMO_USERS: { email: string; displayName: string; role: Role }[] = [
  { email: 'instructeur.demo@ars.test', displayName: 'Camille Martin (instructrice)', role: 'INSTRUCTOR' },
  { email: 'dg.demo@ars.test', displayName: 'Dominique Bernard (directrice générale)', role: 'DIRECTOR' },
];

/** The co-funders' organisations, each with a demo PARTNER who records its commitments and payments. */
const PARTNERS: { organization: { name: string; type: OrganizationType; departmentCode?: string; funders: Funder[] }; email: string; displayName: string }[] = [
  {
    organization: { name: 'Région Auvergne-Rhône-Alpes', type: 'REGION', funders: ['REGION'] },
    email: 'region.demo@partenaires.test',
    displayName: 'Hélène Garnier (Région, direction de la santé)',
  },
  {
    organization: { name: 'Préfecture de la région Auvergne-Rhône-Alpes', type: 'PREFECTURE_REGION', funders: ['DSIL', 'FNADT'] },
    email: 'prefecture-region.demo@partenaires.test',
    displayName: 'Julien Morel (SGAR, DSIL)',
  },
  {
    organization: { name: 'Préfecture de la Haute-Loire', type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] },
    email: 'prefecture43.demo@partenaires.test',
    displayName: 'Sophie Roux (préfecture de la Haute-Loire, DETR)',
  },
];
/** The funders whose lines the demo partners commit and pay (the ARS's own line has no partner). */
const PARTNER_FUNDERS: Funder[] = ['REGION', 'DSIL', 'DETR'];

/** The envelopes: the CPER AURA ones (Région, ARS), the region's DSIL and each département's DETR (amounts illustrative). */
const ENVELOPES: { funder: Funder; departmentCode?: string; programme: string; amountCents: number }[] = [
  ...CPER_AURA_ENVELOPES.map((e) => ({ funder: e.funder, programme: e.programme, amountCents: Number(e.amountCents) })),
  { funder: 'DSIL', programme: 'DSIL 2026 — équipements de santé', amountCents: 600_000_000 },
  ...DEPARTMENTS_OF_REGION[REGION].map((departmentCode) => ({
    funder: 'DETR' as const,
    departmentCode,
    programme: `DETR 2026 (${departmentCode}) — maisons et centres de santé`,
    amountCents: 200_000_000,
  })),
];

// ---------------------------------------------------------------- helpers

/** A 404 is "not there yet"; anything else is an error. */
const absent = (error: unknown): null => {
  if (error instanceof ApiProblem && error.status === 404) return null;
  throw error;
};

/** Every item of a paged list (the demo's lists are short). */
async function everyItem<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    items.push(...p.items);
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

const euros = (cents: number) => {
  const c = BigInt(cents);
  return `${(c / 100n).toLocaleString('fr-FR')},${String(c % 100n).padStart(2, '0')} €`;
};

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** A FINESS number of the demo: département, 6 digits, Luhn key (not a real establishment). */
function finess(departmentCode: string, serial: number): string {
  const base = `${departmentCode}${String(serial).padStart(6, '0')}`;
  let sum = 0;
  for (let i = 0; i < base.length; i++) {
    let d = Number(base[base.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return `${base}${(10 - (sum % 10)) % 10}`;
}

/** The row's expenses: its kind of work, scaled a little per row (whole hundreds of euros). */
function expensesOf(row: DossierRow, index: number): ExpenseDto[] {
  const template = row.path === 'EXISTING' ? EXPENSES.EXTENSION : row.kind === 'MSP' ? EXPENSES.BUILDING : EXPENSES.REFIT;
  const percent = 85 + ((index * 7) % 31);
  return template.map(([category, nature, label, amount]) => {
    const e = Math.round((amount * percent) / 100 / 100) * 100;
    // 20 % VAT, for the funders counting TTC.
    return { category, nature, label, amountCents: e * 100, vatCents: e * 20 };
  });
}

/** What this run wrote, by kind (the summary's words). */
const created = {
  'official communes': 0,
  'zoning changes': 0,
  'demo users': 0,
  'partner organisations': 0,
  'rule sets': 0,
  envelopes: 0,
  promoters: 0,
  'CARPEC séances': 0,
  projects: 0,
  dossiers: 0,
  pièces: 0,
  'dossier steps': 0,
  'computed plans': 0,
  'DETR confirmations': 0,
  'committed plans': 0,
  'partner commitments': 0,
  payments: 0,
  'report runs': 0,
};

/** A demo account, created once with a password shown once; answers its principal. */
async function demoUser(
  app: INestApplicationContext,
  admin: Principal,
  user: { email: string; displayName: string; role: Role; organizationId: string },
  passwords: { email: string; role: Role; password: string }[],
): Promise<Principal> {
  const accounts = app.get(AccountsRepository);
  let id = (await accounts.findUserByEmail(user.email))?.id;
  if (!id) {
    const password = randomBytes(15).toString('base64url');
    id = (await app.get(UsersService).create(admin, await validateBody(CreateUserDto, { ...user, password }))).id;
    passwords.push({ email: user.email, role: user.role, password });
    created['demo users']++;
  }
  const principal = await accounts.findActivePrincipal(id);
  if (principal?.role !== user.role || principal.organizationId !== user.organizationId) {
    throw new Error(`${user.email} exists but is not an active ${user.role} of its demo organisation: change it or remove it.`);
  }
  return principal;
}

/** The ARS of region 84 and its people, and the partners' organisations with their demo users. */
async function people(app: INestApplicationContext, bootstrapRegion: string) {
  const accounts = app.get(AccountsRepository);
  const ars = await app.get(OrganizationsRepository).arsOf(REGION);
  if (!ars) throw new Error(`Region ${REGION} has no ARS: the bootstrap admin is created in region ${bootstrapRegion}; run with BOOTSTRAP_REGION_CODE=${REGION}.`);
  const adminUser = (await app.get(UsersRepository).list(REGION, { organizationId: ars.id }, undefined, 200)).find((u) => u.role === 'ADMIN' && u.active);
  const admin = adminUser && (await accounts.findActivePrincipal(adminUser.id));
  if (!admin) throw new Error(`The ARS of region ${REGION} has no active administrator.`);
  const passwords: { email: string; role: Role; password: string }[] = [];
  const staff: Principal[] = [];
  for (const u of DEMO_USERS) staff.push(await demoUser(app, admin, { ...u, organizationId: ars.id }, passwords));

  const organizations = app.get(OrganizationsService);
  const existing = await everyItem((cursor) => organizations.list(admin, { limit: 200, cursor }));
  const partners: Principal[] = [];
  for (const p of PARTNERS) {
    let org = existing.find((o) => o.name === p.organization.name);
    if (!org) {
      org = await organizations.create(admin, await validateBody(CreateOrganizationDto, { ...p.organization, regionCode: REGION }));
      created['partner organisations']++;
    }
    partners.push(await demoUser(app, admin, { email: p.email, displayName: p.displayName, role: 'PARTNER', organizationId: org.id }, passwords));
  }
  if (passwords.length) {
    const lines = [`Demo accounts of region ${REGION} (passwords shown once):`, ...passwords.map((u) => `  ${u.email} (${u.role})  password: ${u.password}`)];
    process.stdout.write(`\n${'='.repeat(72)}\n${lines.join('\n')}\n${'='.repeat(72)}\n\n`);
  }
  return { admin, instructor: staff[0], director: staff[1], partners };
}

await withApplication({ migrate: true }, async (app, config) => {
  const started = Date.now();
  printBootstrapBanner(await app.get(Bootstrap).ensureAdmin(), config.bootstrap.regionCode);
  const { admin, instructor, director, partners } = await people(app, config.bootstrap.regionCode);
  const communes = app.get(CommunesService);
  const promoters = app.get(PromotersService);
  const projects = app.get(ProjectsService);
  const applications = app.get(ApplicationsService);
  const funding = app.get(FundingService);
  const envelopes = app.get(EnvelopesService);
  const carpec = app.get(CarpecService);
  const reports = app.get(ReportsService);
  const documents = app.get(DocumentsService);

  // ---------------------------------------------------------------- reference and funding

  // The official communes and EPCI of the region, as POST /communes/load-official does; once:
  // a load writes its audit row even when nothing changed.
  const zoned = await Promise.all(COMMUNES.map((c) => communes.get(admin, c.inseeCode).catch(absent)));
  if (!zoned.every((c) => c?.source === 'OFFICIAL')) {
    const loaded = await app.get(OfficialService).load(admin, REGION);
    created['official communes'] += loaded.inserted;
  }
  for (const c of COMMUNES) {
    const current = await communes.get(admin, c.inseeCode);
    const change = {
      ...(current.zone !== c.zone && { zone: c.zone }),
      ...(current.qpv !== (c.qpv ?? false) && { qpv: c.qpv ?? false }),
      ...(c.rural !== undefined && current.rural !== c.rural && { rural: c.rural }),
    };
    if (!Object.keys(change).length) continue;
    await communes.update(admin, c.inseeCode, await validateBody(UpdateCommuneDto, change));
    created['zoning changes']++;
  }

  // The example rule sets of the region (the AURA CPER one active), and the envelopes.
  const ruleSets = await everyItem((cursor) => funding.listRuleSets(admin, { limit: 200, cursor }));
  for (const example of EXAMPLE_RULE_SETS.filter((e) => e.regionCode === REGION)) {
    if (ruleSets.some((r) => r.name === example.name)) continue;
    // As the API takes it: caps in cents as JSON numbers.
    const funders = JSON.parse(JSON.stringify(example.ruleSet.funders, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as Record<string, unknown>;
    const dto = await validateBody(CreateRuleSetDto, { name: example.name, publicCeilingBps: example.ruleSet.publicCeilingBps, funders });
    ruleSets.push(await funding.createRuleSet(admin, dto));
    created['rule sets']++;
  }
  if (!ruleSets.some((r) => r.active)) {
    await funding.activateRuleSet(admin, ruleSets.find((r) => r.name === EXAMPLE_RULE_SETS[0].name)!.id);
  }
  const openEnvelopes = (await everyItem((cursor) => envelopes.list(admin, { limit: 200, cursor }))).filter((e) => e.status === 'OPEN');
  for (const e of ENVELOPES) {
    if (openEnvelopes.some((o) => o.funder === e.funder && o.departmentCode === (e.departmentCode ?? null))) continue;
    await envelopes.create(admin, await validateBody(CreateEnvelopeDto, { ...e, regionCode: REGION }));
    created.envelopes++;
  }

  // ---------------------------------------------------------------- promoters, séances

  const promoterIds = new Map<string, string>();
  for (const p of PROMOTERS) {
    const existing = (await promoters.list(instructor, { q: p.name, limit: 200 })).items.find((x) => x.name === p.name);
    const row = existing ?? (await promoters.create(instructor, await validateBody(CreatePromoterDto, { name: p.name, legalType: p.legalType, communeInsee: p.commune })));
    if (!existing) created.promoters++;
    promoterIds.set(p.name, row.id);
  }

  const sessions = await everyItem((cursor) => carpec.list(instructor, { limit: 200, cursor }));
  const sessionIds = {} as Record<SessionKey, string>;
  for (const key of SESSION_KEYS) {
    let session = sessions.find((x) => x.title === SESSIONS[key].title);
    if (!session) {
      session = await carpec.create(instructor, await validateBody(CreateSessionDto, SESSIONS[key]));
      created['CARPEC séances']++;
    }
    sessionIds[key] = session.id;
  }

  // ---------------------------------------------------------------- dossiers, each to its stage

  /** A step of a story: taken when the dossier stands at `at`; answers where it leads, or null when there was nothing to do. */
  interface Step {
    at: ApplicationStatus;
    take(id: string): Promise<ApplicationStatus | null>;
  }
  const status = async (move: Promise<{ status: ApplicationStatus }>) => (await move).status;

  /** The partner who records a funder's line of a dossier of `departmentCode`, if the demo has one. */
  const partnerFor = (funder: Funder, departmentCode: string) => partners.find((p) => p.funders.includes(funder) && (!p.departmentCode || p.departmentCode === departmentCode));

  /**
   * The partners' tranches on their lines (tranches.ts): each commits its line's amount, then
   * pays until `share` (bps) of it is paid in all — 30 % advance, 80 % with the instalment,
   * the balance once the dossier is COMPLETED. Nothing is done twice.
   */
  async function tranche(id: string, departmentCode: string, kind: PaymentKind, share: bigint, paidOn: string): Promise<boolean> {
    let done = false;
    for (const funder of PARTNER_FUNDERS) {
      const partner = partnerFor(funder, departmentCode);
      if (!partner) continue;
      const line = (await funding.plan(partner, id)).lines.find((l) => l.funder === funder);
      if (!line || line.amountCents === 0) continue;
      let committed = line.committedCents ?? null;
      if (committed === null) {
        committed = line.amountCents;
        await funding.setCommitment(partner, id, funder, await validateBody(CommitmentDto, { committedCents: committed }));
        created['partner commitments']++;
        done = true;
      }
      const target = Number((BigInt(committed) * share) / 10_000n);
      const paid = line.paidCents ?? 0;
      if (paid >= target) continue;
      await funding.addPayment(partner, id, funder, await validateBody(PaymentDto, { kind, amountCents: target - paid, paidOn }));
      created.payments++;
      done = true;
    }
    return done;
  }

  function stepsOf(row: DossierRow, index: number, dossier: ApplicationDto): Step[] {
    const route = ROUTE[row.path];
    const stop = row.stage === 'WITHDRAWN' || row.stage === 'CLOSED' ? row.from! : row.stage === 'REJECTED' ? 'AWAITING_DECISION' : row.stage;
    if (!route.includes(stop)) throw new Error(`The demo row "${row.name}" stops at ${stop}, which is not on the ${row.path} path.`);
    const reaches = (s: ApplicationStatus) => route.includes(s) && route.indexOf(s) <= route.indexOf(stop);
    const approved = route[route.indexOf('AWAITING_DECISION') + 1];
    const cal = CALENDAR[row.at ?? 'december'];
    const dated = (what: string, date: string | undefined): string => {
      if (!date || date > DEMO_DAY) throw new Error(`The demo row "${row.name}" needs ${what} in the ${row.at ?? 'december'} calendar, on or before ${DEMO_DAY}.`);
      return date;
    };
    const dep = dossier.departmentCode;
    const [doctors, professionals] = row.size ?? TEAM[row.kind];
    const receiptOn = reaches('RECEIPT_ISSUED') ? dated('a récépissé', row.late ? cal.lateReceipt : cal.receipt) : undefined;
    // The projet de santé is presented at the first séance after the récépissé (the coming one when it still waits).
    const information: SessionKey | undefined = row.stage === 'RECEIPT_ISSUED' ? 'december' : SESSION_KEYS.find((k) => receiptOn && SESSIONS[k].sessionDate > receiptOn);
    const steps: Step[] = [];
    const step = (at: ApplicationStatus, take: Step['take']) => steps.push({ at, take });

    if (reaches('SITE_MEETING_HELD')) {
      const meeting = SITE_MEETINGS[row.name] ?? {
        participants: `${row.promoter}, ${doctors} médecin(s), ${professionals - doctors} autres professionnels de santé, ARS (DD${dep})`,
        findings:
          row.path === 'NEW'
            ? `Projet de création porté par ${row.promoter} ; locaux identifiés, projet de santé à écrire avec les professionnels.`
            : `Centre existant : ${row.path === 'POLYVALENT' ? 'il devient polyvalent' : "extension des locaux et recrutement d'un médecin"} ; équilibre budgétaire à démontrer.`,
      };
      step('DRAFT', async (id) => status(applications.siteMeeting(instructor, id, await validateBody(SiteMeetingDto, { heldOn: cal.siteMeeting, ...meeting }))));
    }
    if (reaches('SUBMITTED')) {
      step(row.path === 'AUDIT' ? 'DRAFT' : 'SITE_MEETING_HELD', async (id) =>
        status(applications.submit(instructor, id, await validateBody(SubmitDto, { receivedOn: cal.request }))),
      );
    }
    if (reaches('SUBMITTED') && row.path !== 'AUDIT') {
      // The expenses of the request, and the plan computed on the region's active rule set.
      step('SUBMITTED', async (id) => {
        if (await funding.plan(instructor, id).catch(absent)) return null;
        if (!(await funding.expenses(instructor, id)).items.length) await funding.replaceExpenses(instructor, id, await validateArray(ExpenseDto, expensesOf(row, index), 500));
        await funding.compute(instructor, id, {});
        created['computed plans']++;
        return 'SUBMITTED';
      });
    }
    if (row.detr) {
      step('SUBMITTED', async (id) => {
        if ((await applications.get(instructor, id)).detrConfirmation) return null;
        const prefecture = partners.find((p) => p.organizationType === 'PREFECTURE_DEPARTEMENT' && p.departmentCode === dep);
        if (!prefecture) throw new Error(`The demo has no préfecture de département for ${dep} to confirm the DETR eligibility of "${row.name}".`);
        const reason = "Potentiel financier de la commune sous le seuil de l'article L2334-33 du CGCT : éligibilité à la DETR confirmée.";
        await funding.confirmDetr(prefecture, id, await validateBody(DetrConfirmationDto, { decision: 'CONFIRMED', reason }));
        created['DETR confirmations']++;
        return 'SUBMITTED';
      });
    }
    const session = row.at ?? 'december';
    if (reaches('CARPEC_REVIEW')) {
      step('SUBMITTED', async (id) => {
        await carpec.addToAgenda(instructor, sessionIds[session], await validateBody(AgendaItemDto, { applicationId: id, purpose: 'OPINION' }));
        return 'CARPEC_REVIEW';
      });
    }
    if (reaches('AWAITING_DECISION')) {
      const outcome = row.opinion ?? (row.stage === 'REJECTED' ? 'UNFAVORABLE' : 'FAVORABLE');
      const reservations =
        outcome === 'FAVORABLE_WITH_RESERVATIONS'
          ? "Préciser l'organisation des soins non programmés et le calendrier d'arrivée des médecins recrutés."
          : outcome === 'UNFAVORABLE'
            ? row.path === 'AUDIT'
              ? "Le plan de financement présenté ne permet pas d'envisager un retour à l'équilibre."
              : 'Commune hors zonage et offre de soins suffisante à moins de quinze minutes : la CARPEC ne soutient pas le projet.'
            : undefined;
      step('CARPEC_REVIEW', async (id) => {
        const opinion = await validateBody(OpinionDto, { applicationId: id, outcome, ...(reservations && { reservations }) });
        return (await carpec.recordOpinion(instructor, sessionIds[session], opinion)).applicationStatus;
      });
    }
    if (row.stage === 'REJECTED') {
      const motivation = "Décision conforme à l'avis défavorable de la CARPEC.";
      step('AWAITING_DECISION', async (id) =>
        status(applications.decide(director, id, await validateBody(DecisionDto, { outcome: 'REJECTED', decidedOn: dated('a decision', cal.decision), motivation }))),
      );
    } else if (reaches(approved)) {
      const decidedOn = dated('a decision', cal.decision);
      step('AWAITING_DECISION', async (id) => status(applications.decide(director, id, await validateBody(DecisionDto, { outcome: 'APPROVED', decidedOn }))));
    }
    const pays = row.funding === 'PAY';
    if (row.funding && reaches(approved)) {
      // Recomputed first (a DETR confirmation changes it), then committed by the DG against the envelopes.
      step(approved, async (id) => {
        const plan = await funding.plan(instructor, id).catch(absent);
        if (plan && plan.status !== 'COMPUTED') return null;
        await funding.compute(instructor, id, {});
        await funding.commit(director, id);
        created['committed plans']++;
        return approved;
      });
    }
    const advanceOn = cal.decision && addDays(cal.decision, 28);
    if (pays && reaches(approved) && advanceOn && advanceOn <= DEMO_DAY) {
      step(approved, async (id) => ((await tranche(id, dep, 'ADVANCE', 3000n, advanceOn)) ? approved : null));
    }
    if (reaches('DELIVERABLES_RECEIVED')) {
      const receivedOn = dated('deliverables', cal.deliverables);
      step('STEP2_IN_PROGRESS', async (id) => status(applications.deliverables(instructor, id, await validateBody(DeliverablesDto, { receivedOn }))));
    }
    if (receiptOn && information) {
      const receipt = { issuedOn: receiptOn, finessEj: finess(dep, 1000 + index * 37), finessEt: finess(dep, 20_000 + index * 53) };
      step('DELIVERABLES_RECEIVED', async (id) => status(applications.receipt(director, id, await validateBody(ReceiptDto, receipt))));
      step('RECEIPT_ISSUED', async (id) => {
        const sessionId = sessionIds[information];
        if ((await carpec.get(instructor, sessionId)).agenda.some((i) => i.applicationId === id && i.purpose === 'INFORMATION')) return null;
        await carpec.addToAgenda(instructor, sessionId, await validateBody(AgendaItemDto, { applicationId: id, purpose: 'INFORMATION' }));
        return 'RECEIPT_ISSUED';
      });
    }
    if (information && reaches('STEP3_IN_PROGRESS')) {
      step(
        'RECEIPT_ISSUED',
        async (id) => (await carpec.recordOpinion(instructor, sessionIds[information], await validateBody(OpinionDto, { applicationId: id, outcome: 'NOTED' }))).applicationStatus,
      );
    }
    // In étape 3 since the séance that noted the projet de santé, or since the decision for an existing centre.
    const step3On = row.path === 'EXISTING' ? cal.decision && addDays(cal.decision, 28) : information && SESSIONS[information].sessionDate;
    const instalmentOn = step3On && addDays(step3On, 28);
    if (pays && reaches('STEP3_IN_PROGRESS') && instalmentOn && instalmentOn <= DEMO_DAY) {
      step('STEP3_IN_PROGRESS', async (id) => ((await tranche(id, dep, 'INSTALMENT', 8000n, instalmentOn)) ? 'STEP3_IN_PROGRESS' : null));
    }
    if (reaches('COMPLETED')) {
      const summary = 'Organisation pluriprofessionnelle en place : coordination, protocoles pluriprofessionnels, soins non programmés chaque jour ouvré.';
      step('STEP3_IN_PROGRESS', async (id) => status(applications.complete(instructor, id, await validateBody(CompleteDto, { summary }))));
    }
    const balanceOn = instalmentOn && addDays(instalmentOn, 21);
    if (pays && reaches('COMPLETED') && balanceOn && balanceOn <= DEMO_DAY) {
      step('COMPLETED', async (id) => ((await tranche(id, dep, 'BALANCE', 10_000n, balanceOn)) ? 'COMPLETED' : null));
    }
    if (reaches('AUDIT_DELIVERED')) {
      const plan = {
        deliveredOn: dated("an audit's plan", cal.auditPlan),
        summary: "Plan de retour à l'équilibre : renégociation du bail, mutualisation du secrétariat avec la MSP voisine, passage à l'ACI ; équilibre attendu en 2028.",
      };
      step('AUDIT_IN_PROGRESS', async (id) => status(applications.auditPlan(instructor, id, await validateBody(AuditPlanDto, plan))));
    }
    if (row.stage === 'WITHDRAWN' || row.stage === 'CLOSED') {
      const reason = { reason: row.note ?? 'Le porteur retire sa demande.' };
      step(row.from!, async (id) =>
        status(
          row.stage === 'WITHDRAWN'
            ? applications.withdraw(instructor, id, await validateBody(ReasonDto, reason))
            : applications.close(instructor, id, await validateBody(ReasonDto, reason)),
        ),
      );
    }
    return steps;
  }

  const reached: { row: DossierRow; id: string }[] = [];
  for (const [index, row] of DOSSIERS.entries()) {
    let project = (await projects.list(instructor, { q: row.name, limit: 200 })).items.find((x) => x.name === row.name);
    if (!project) {
      const [doctors, professionals, population] = row.size ?? TEAM[row.kind];
      // A convention (ACI for a maison de santé, the national agreement for a centre) for a centre that runs, or will complete étape 3.
      const convention =
        row.path !== 'NEW' || ROUTE[row.path].indexOf(row.stage) >= ROUTE[row.path].indexOf('STEP3_IN_PROGRESS') ? (row.kind === 'MSP' ? 'ACI' : 'ACCORD_NATIONAL') : 'NONE';
      const dto = {
        name: row.name,
        kind: row.kind,
        promoterId: promoterIds.get(row.promoter)!,
        communeInsee: row.commune,
        existing: row.path !== 'NEW',
        ...(row.path === 'POLYVALENT' && { nature: 'BECOMING_POLYVALENT' }),
        doctorsPlanned: doctors,
        professionalsPlanned: professionals,
        populationServed: population,
        balancedBudget: true,
        convention,
        // The ARS funds a maison de santé organised as a SISA.
        ...(row.kind === 'MSP' && { sisa: true }),
      };
      project = await projects.create(instructor, await validateBody(CreateProjectDto, dto));
      created.projects++;
    }
    let dossier = (await applications.list(instructor, { q: row.name, limit: 200 })).items.find((a) => a.projectId === project.id);
    if (!dossier) {
      const procedure = row.path === 'AUDIT' ? 'AUDIT' : 'ACCOMPANIMENT';
      const dto = await validateBody(CreateApplicationDto, { projectId: project.id, procedure });
      dossier = await applications.create(instructor, dto.projectId, dto.procedure);
      created.dossiers++;
    }
    let current = dossier.status;
    for (const step of stepsOf(row, index, dossier)) {
      if (step.at !== current) continue;
      // The pièces the next move needs (seed 002), as the promoter would have sent them.
      for (const kind of (await applications.get(instructor, dossier.id)).checklist.missing) {
        await documents.add(instructor, dossier.id, { kind, filename: `${kind.toLowerCase()}.pdf`, content: await demoPiece(kind, row.name, row.promoter) });
        created.pièces++;
      }
      const next = await step.take(dossier.id);
      if (next === null) continue;
      created['dossier steps']++;
      current = next;
    }
    if (current !== row.stage)
      throw new Error(`The demo dossier of "${row.name}" stands at ${current}, not at ${row.stage}: it was moved by hand, or its commune's zoning changed.`);
    reached.push({ row, id: dossier.id });
  }

  // ---------------------------------------------------------------- a report run

  // Requested as POST /reports/runs does (audited, queued); a command line runs no job worker,
  // so the run is computed here, as `npm run report` does.
  const [run] = (await reports.list(admin, { type: 'PIPELINE', date: REPORT_DATE, limit: 1 })).items;
  if (run?.status !== 'SUCCEEDED') {
    const runId = run?.id ?? (await reports.request(admin, await validateBody(RequestRunsDto, { type: 'PIPELINE', date: REPORT_DATE }))).items[0].id;
    await app.get(ReportsRepository).execute(runId);
    created['report runs']++;
  }

  // ---------------------------------------------------------------- summary: what to open first

  const all = await everyItem((cursor) => applications.list(admin, { limit: 200, cursor }));
  const byStatus = new Map<string, number>();
  for (const a of all) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
  const plans: { name: string; id: string; status: ApplicationStatus; plan: PlanDto }[] = [];
  for (const d of reached) {
    const plan = await funding.plan(admin, d.id).catch(absent);
    if (plan?.status === 'COMMITTED') plans.push({ name: d.row.name, id: d.id, status: d.row.stage, plan });
  }
  const sum = (f: (l: PlanDto['lines'][number]) => number) => plans.reduce((s, p) => s + p.plan.lines.reduce((t, l) => t + f(l), 0), 0);
  const late = all.find((a) => a.receiptStatus === 'ISSUED_LATE' && a.status === 'RECEIPT_ISSUED') ?? all.find((a) => a.receiptStatus === 'ISSUED_LATE');
  const paid =
    plans.find((p) => p.status === 'COMPLETED' && p.plan.lines.some((l) => (l.paidCents ?? 0) > 0)) ?? plans.find((p) => p.plan.lines.some((l) => (l.paidCents ?? 0) > 0));
  const base = `http://localhost:${config.port}`;
  const total = Object.values(created).reduce((s, n) => s + n, 0);
  const summary = [
    `Demo data of region ${REGION} (Auvergne-Rhône-Alpes), in ${((Date.now() - started) / 1000).toFixed(1)} s: ${total} new (${Object.entries(created)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}).`,
    `Communes: the official ones of the region, with an illustrative zoning (demo data) of ${COMMUNES.length}.`,
    `${all.length} dossiers by status: ${[...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')}.`,
    `${plans.length} funding plans committed against the envelopes: ${euros(sum((l) => l.amountCents))} of public aid; the partners committed ${euros(sum((l) => l.committedCents ?? 0))} and paid ${euros(sum((l) => l.paidCents ?? 0))}.`,
    '',
    `Open the console, ${base}/, and sign in as ${[...DEMO_USERS, ...PARTNERS].map((u) => u.email).join(', ')} or the bootstrap admin ${config.bootstrap.email}.`,
    ...(paid ? [`  ${base}/#/dossiers/${paid.id}  — ${paid.name}: its committed plan, commitments and payments, in the console`] : []),
    `Or with the API (POST /api/v1/auth/login, then the token):`,
    `  ${base}/docs  — every route, to try with the token (Authorize)`,
    `  ${base}/api/v1/applications?status=AWAITING_DECISION  — the dossiers awaiting the DG's decision`,
    ...(late ? [`  ${base}/api/v1/applications/${late.id}  — ${late.projectName}: récépissé issued after its due date (receiptStatus ISSUED_LATE)`] : []),
    ...(paid ? [`  ${base}/api/v1/applications/${paid.id}/funding-plan  — ${paid.name}: plan committed, the partners' commitments and payments`] : []),
  ];
  process.stdout.write(`${summary.join('\n')}\n`);
});
