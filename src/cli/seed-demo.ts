// `npm run seed:demo`: a small, realistic data set of Auvergne-Rhône-Alpes (region 84) so that
// a new user sees something on every route: communes with their zoning, promoters, projects,
// and dossiers at the procedure's stages — a draft, a site meeting held, a request submitted,
// one on the agenda of the coming CARPEC séance, one approved by the DG with its funding plan
// committed against the CPER AURA envelopes, one with its récépissé issued, one withdrawn.
// Everything goes through the application's services as the ARS's people would do it (the
// bootstrap admin, a demo instructor and a demo DG), with the business rules and the audit
// trail of the API. The zoning is illustrative (demo data), not the ARS's official zoning.
// Running it twice changes nothing: what exists (by name) is kept, and a dossier only moves on
// from where it stands towards its stage.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { Bootstrap, printBootstrapBanner } from '../accounts/bootstrap.js';
import { CreateUserDto } from '../accounts/dto/accounts.dto.js';
import { OrganizationsRepository } from '../accounts/organizations.repository.js';
import { UsersRepository } from '../accounts/users.repository.js';
import { UsersService } from '../accounts/users.service.js';
import { ApplicationsService } from '../applications/applications.service.js';
import { CreateApplicationDto, DecisionDto, DeliverablesDto, ReasonDto, ReceiptDto, SiteMeetingDto, SubmitDto } from '../applications/dto/application.dto.js';
import { CarpecService } from '../carpec/carpec.service.js';
import { AgendaItemDto, CreateSessionDto, OpinionDto } from '../carpec/dto/carpec.dto.js';
import type { Principal } from '../common/access/principal.js';
import { ApiProblem } from '../common/errors/problem.js';
import type { Page } from '../common/http/pagination.js';
import { validateArray, validateBody } from '../common/http/validation.js';
import { CreateEnvelopeDto } from '../envelopes/dto/envelope.dto.js';
import { EnvelopesService } from '../envelopes/envelopes.service.js';
import { CreateRuleSetDto, ExpenseDto } from '../funding/dto/funding.dto.js';
import { CPER_AURA_ENVELOPES, EXAMPLE_RULE_SETS } from '../funding/examples.js';
import { FundingService } from '../funding/funding.service.js';
import type { ApplicationStatus, ExpenseCategory, ExpenseNature, LegalType, OpinionOutcome, ProjectKind, Role, Zone } from '../generated/prisma/enums.js';
import { CreateProjectDto } from '../projects/dto/project.dto.js';
import { ProjectsService } from '../projects/projects.service.js';
import { CreatePromoterDto } from '../promoters/dto/promoter.dto.js';
import { PromotersService } from '../promoters/promoters.service.js';
import { CommunesService } from '../reference/communes.service.js';
import { CreateCommuneDto } from '../reference/dto/commune.dto.js';
import { log, withApplication } from './runtime.js';

const REGION = '84';

const COMMUNES: { inseeCode: string; name: string; dep: string; population: number; zone: Zone; qpv?: boolean; rural: boolean }[] = [
  { inseeCode: '43040', name: 'Brioude', dep: '43', population: 6_600, zone: 'ZIP', rural: false },
  { inseeCode: '15187', name: 'Saint-Flour', dep: '15', population: 6_400, zone: 'ZIP', rural: false },
  { inseeCode: '03185', name: 'Montluçon', dep: '03', population: 34_000, zone: 'ZAC', qpv: true, rural: false },
  { inseeCode: '74119', name: 'Évian-les-Bains', dep: '74', population: 9_200, zone: 'ZAC', rural: false },
  { inseeCode: '07010', name: 'Annonay', dep: '07', population: 16_000, zone: 'NONE', rural: false },
  { inseeCode: '63003', name: 'Ambert', dep: '63', population: 6_700, zone: 'ZIP', rural: false },
  { inseeCode: '26113', name: 'Die', dep: '26', population: 4_400, zone: 'ZIP', rural: true },
];

const PROMOTERS: { name: string; legalType: LegalType; commune: string }[] = [
  { name: 'Commune de Brioude', legalType: 'COMMUNE', commune: '43040' },
  { name: 'Association Santé Pays de Saint-Flour', legalType: 'ASSOCIATION', commune: '15187' },
  { name: 'Montluçon Communauté', legalType: 'EPCI', commune: '03185' },
  { name: 'SISA Pôle santé du Chablais', legalType: 'SISA', commune: '74119' },
  { name: 'SISA Maison de santé du Livradois', legalType: 'SISA', commune: '63003' },
  { name: 'Communauté des communes du Diois', legalType: 'EPCI', commune: '26113' },
  { name: 'Mutualité Française Drôme-Ardèche', legalType: 'MUTUELLE', commune: '07010' },
];

/** The two séances of the demo: one held in June (its opinions given), one to come in December. */
const SESSIONS = {
  june: { sessionDate: '2026-06-18', title: 'CARPEC Auvergne-Rhône-Alpes du 18 juin 2026' },
  december: { sessionDate: '2026-12-10', title: 'CARPEC Auvergne-Rhône-Alpes du 10 décembre 2026' },
} as const;
type SessionKey = keyof typeof SESSIONS;

const expense = (category: ExpenseCategory, nature: ExpenseNature, label: string, euros: number): ExpenseDto => ({
  category,
  nature,
  label,
  amountCents: euros * 100,
  // 20 % VAT, for the funders counting TTC.
  vatCents: euros * 20,
});

/** Where a demo dossier stands: each stage it went through, with its dates (in the procedure's order). */
interface Story {
  stage: ApplicationStatus;
  siteMeeting?: { heldOn: string; participants: string; findings: string };
  requestReceivedOn?: string;
  /** On a séance's agenda for an opinion; with an outcome, given. */
  opinion?: { session: SessionKey; outcome?: OpinionOutcome; reservations?: string };
  approvedOn?: string;
  /** Expenses, then the plan computed on the region's active rule set and committed by the DG. */
  expenses?: ExpenseDto[];
  deliverablesReceivedOn?: string;
  receipt?: { issuedOn: string; finessEj: string; finessEt: string };
  /** Its projet de santé listed for information at a séance. */
  information?: SessionKey;
  withdrawal?: string;
}

const PROJECTS: {
  name: string;
  kind: ProjectKind;
  promoter: string;
  commune: string;
  existing: boolean;
  doctors: number;
  professionals: number;
  population: number;
  sisa?: boolean;
  story: Story;
}[] = [
  {
    name: 'MSP du Chablais',
    kind: 'MSP',
    promoter: 'SISA Pôle santé du Chablais',
    commune: '74119',
    existing: false,
    doctors: 6,
    professionals: 14,
    population: 15_000,
    sisa: true,
    story: { stage: 'DRAFT' },
  },
  {
    name: 'MSP de Brioude',
    kind: 'MSP',
    promoter: 'Commune de Brioude',
    commune: '43040',
    existing: false,
    doctors: 4,
    professionals: 12,
    population: 9_000,
    story: {
      stage: 'SITE_MEETING_HELD',
      siteMeeting: {
        heldOn: '2026-11-05',
        participants: 'Maire de Brioude, 4 médecins généralistes, 3 IDE, 1 kinésithérapeute, ARS (DD43)',
        findings: "Projet porté par la commune dans l'ancienne école Jean-Moulin ; deux médecins partent en retraite d'ici 2028. Projet de santé à écrire avec les professionnels.",
      },
    },
  },
  {
    name: 'Maison de santé du Diois',
    kind: 'MSP',
    promoter: 'Communauté des communes du Diois',
    commune: '26113',
    existing: false,
    doctors: 3,
    professionals: 9,
    population: 8_500,
    sisa: true,
    story: {
      stage: 'SUBMITTED',
      siteMeeting: {
        heldOn: '2026-10-01',
        participants: 'Président de la communauté des communes du Diois, 3 médecins, 2 IDE, 1 sage-femme, ARS (DD26)',
        findings: 'Bassin de vie de montagne très étendu ; locaux intercommunaux disponibles près du centre hospitalier. SISA en cours de constitution.',
      },
      requestReceivedOn: '2026-11-16',
    },
  },
  {
    name: 'Centre de santé médical Fontbouillant',
    kind: 'CDS_MEDICAL',
    promoter: 'Montluçon Communauté',
    commune: '03185',
    existing: true,
    doctors: 5,
    professionals: 9,
    population: 12_000,
    story: {
      stage: 'CARPEC_REVIEW',
      siteMeeting: {
        heldOn: '2026-09-08',
        participants: 'Vice-présidente santé de Montluçon Communauté, directrice du centre, 5 médecins salariés, ARS (DD03)',
        findings: "Centre existant du quartier prioritaire de Fontbouillant : extension d'un cabinet et recrutement de deux médecins salariés.",
      },
      requestReceivedOn: '2026-10-05',
      opinion: { session: 'december' },
    },
  },
  {
    name: 'Centre de santé polyvalent de Saint-Flour',
    kind: 'CDS_POLYVALENT',
    promoter: 'Association Santé Pays de Saint-Flour',
    commune: '15187',
    existing: false,
    doctors: 3,
    professionals: 7,
    population: 7_500,
    story: {
      stage: 'STEP2_IN_PROGRESS',
      siteMeeting: {
        heldOn: '2026-03-10',
        participants: "Présidente de l'association, 3 médecins, 2 IDE, 1 dentiste, 1 orthophoniste, ARS (DD15)",
        findings: "Réhabilitation de l'ancienne gendarmerie de la ville haute ; gestion associative, médecins salariés ; équilibre budgétaire démontré sur trois ans.",
      },
      requestReceivedOn: '2026-04-02',
      opinion: { session: 'june', outcome: 'FAVORABLE' },
      approvedOn: '2026-07-06',
      expenses: [
        expense('IMMOBILIER', 'WORKS', "Réhabilitation de l'ancienne gendarmerie", 720_000),
        expense('IMMOBILIER', 'FEES_STUDIES', "Maîtrise d'œuvre et études", 64_000),
        expense('EQUIPEMENT', 'MEDICAL_EQUIPMENT', "Équipement médical (échographe, ECG, tables d'examen)", 85_000),
        expense('EQUIPEMENT', 'FURNITURE', "Mobilier des cabinets et de l'accueil", 22_000),
        expense('SI_PARTAGE', 'IT_FIRST_PURCHASE', 'Logiciel de dossier patient partagé labellisé', 18_000),
        expense('INGENIERIE', 'OTHER', "Accompagnement à l'élaboration du projet de santé", 12_000),
      ],
    },
  },
  {
    name: "Maison de santé pluriprofessionnelle d'Ambert",
    kind: 'MSP',
    promoter: 'SISA Maison de santé du Livradois',
    commune: '63003',
    existing: false,
    doctors: 5,
    professionals: 13,
    population: 11_000,
    sisa: true,
    story: {
      stage: 'RECEIPT_ISSUED',
      siteMeeting: {
        heldOn: '2026-01-20',
        participants: "Maire d'Ambert, gérant de la SISA, 5 médecins, 4 IDE, 2 kinésithérapeutes, 1 pharmacien, ARS (DD63)",
        findings: 'Regroupement de trois cabinets du Livradois dans un bâtiment neuf ; permanence des soins organisée avec le centre hospitalier.',
      },
      requestReceivedOn: '2026-02-16',
      opinion: {
        session: 'june',
        outcome: 'FAVORABLE_WITH_RESERVATIONS',
        reservations: "Préciser l'organisation des soins non programmés et le calendrier d'arrivée des deux médecins recrutés.",
      },
      approvedOn: '2026-07-06',
      expenses: [
        expense('IMMOBILIER', 'WORKS', 'Construction du bâtiment (SISA, sur prêt bancaire)', 1_150_000),
        expense('EQUIPEMENT', 'MEDICAL_EQUIPMENT', 'Équipement médical partagé', 60_000),
        expense('SI_PARTAGE', 'IT_FIRST_PURCHASE', "Système d'information partagé de la MSP", 15_000),
        expense('INGENIERIE', 'OTHER', 'Coordination du projet de santé', 10_000),
      ],
      deliverablesReceivedOn: '2026-09-14',
      // FINESS numbers of the demo (département 63, Luhn key), not real establishments.
      receipt: { issuedOn: '2026-10-22', finessEj: '630004174', finessEt: '630012383' },
      information: 'december',
    },
  },
  {
    name: "Centre de santé dentaire d'Annonay",
    kind: 'CDS_DENTAIRE',
    promoter: 'Mutualité Française Drôme-Ardèche',
    commune: '07010',
    existing: false,
    doctors: 0,
    professionals: 4,
    population: 16_000,
    story: {
      stage: 'WITHDRAWN',
      siteMeeting: {
        heldOn: '2026-05-12',
        participants: 'Directeur de la Mutualité Française Drôme-Ardèche, 2 chirurgiens-dentistes, ARS (DD07)',
        findings: "Annonay n'est ni en ZIP ni en ZAC ni en QPV : le dossier n'est pas éligible à l'accompagnement.",
      },
      withdrawal: 'Commune hors zonage (ni ZIP, ni ZAC, ni QPV) : la Mutualité retire sa demande et finance le centre sur ses fonds propres.',
    },
  },
];

const DEMO_USERS: { email: string; displayName: string; role: Role }[] = [
  { email: 'instructeur.demo@ars.test', displayName: 'Camille Martin (instructrice)', role: 'INSTRUCTOR' },
  { email: 'dg.demo@ars.test', displayName: 'Dominique Bernard (directrice générale)', role: 'DIRECTOR' },
];

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

/** What this run wrote, by kind (the summary's words). */
const created = {
  'demo users': 0,
  communes: 0,
  'rule sets': 0,
  envelopes: 0,
  promoters: 0,
  'CARPEC séances': 0,
  projects: 0,
  dossiers: 0,
  'dossier steps': 0,
  'committed plans': 0,
};

/** The ARS of region 84 and its people: its administrator, and the demo instructor and DG (created once, password shown once). */
async function people(app: INestApplicationContext, bootstrapRegion: string) {
  const accounts = app.get(AccountsRepository);
  const ars = await app.get(OrganizationsRepository).arsOf(REGION);
  if (!ars) throw new Error(`Region ${REGION} has no ARS: the bootstrap admin is created in region ${bootstrapRegion}; run with BOOTSTRAP_REGION_CODE=${REGION}.`);
  const adminUser = (await app.get(UsersRepository).list(REGION, { organizationId: ars.id }, undefined, 200)).find((u) => u.role === 'ADMIN' && u.active);
  const admin = adminUser && (await accounts.findActivePrincipal(adminUser.id));
  if (!admin) throw new Error(`The ARS of region ${REGION} has no active administrator.`);
  const passwords: { email: string; role: Role; password: string }[] = [];
  const principals: Principal[] = [];
  for (const { email, displayName, role } of DEMO_USERS) {
    let id = (await accounts.findUserByEmail(email))?.id;
    if (!id) {
      const password = randomBytes(15).toString('base64url');
      id = (await app.get(UsersService).create(admin, await validateBody(CreateUserDto, { email, displayName, password, role, organizationId: ars.id }))).id;
      passwords.push({ email, role, password });
      created['demo users']++;
    }
    const principal = await accounts.findActivePrincipal(id);
    if (principal?.role !== role || principal.organizationId !== ars.id) {
      throw new Error(`${email} exists but is not an active ${role} of the ARS of region ${REGION}: change it or remove it.`);
    }
    principals.push(principal);
  }
  if (passwords.length) {
    const lines = [`Demo accounts of the ARS of region ${REGION} (passwords shown once):`, ...passwords.map((u) => `  ${u.email} (${u.role})  password: ${u.password}`)];
    process.stdout.write(`\n${'='.repeat(72)}\n${lines.join('\n')}\n${'='.repeat(72)}\n\n`);
  }
  const [instructor, director] = principals;
  return { admin, instructor, director };
}

await withApplication({ migrate: true }, async (app, config) => {
  printBootstrapBanner(await app.get(Bootstrap).ensureAdmin(), config.bootstrap.regionCode);
  const { admin, instructor, director } = await people(app, config.bootstrap.regionCode);
  const communes = app.get(CommunesService);
  const promoters = app.get(PromotersService);
  const projects = app.get(ProjectsService);
  const applications = app.get(ApplicationsService);
  const funding = app.get(FundingService);
  const envelopes = app.get(EnvelopesService);
  const carpec = app.get(CarpecService);

  // ---------------------------------------------------------------- reference and funding

  for (const c of COMMUNES) {
    const existing = await communes.get(admin, c.inseeCode).catch(absent);
    if (existing) {
      if (existing.zone !== c.zone)
        log.warn(`commune ${c.inseeCode} ${existing.name} is in zone ${existing.zone}, the demo expects ${c.zone}: its dossier may not reach its stage`);
      continue;
    }
    const dto = {
      inseeCode: c.inseeCode,
      name: c.name,
      departmentCode: c.dep,
      regionCode: REGION,
      population: c.population,
      zone: c.zone,
      qpv: c.qpv ?? false,
      island: false,
      rural: c.rural,
    };
    await communes.create(admin, await validateBody(CreateCommuneDto, dto));
    created.communes++;
  }

  // The example rule sets of the region (the AURA CPER one active), and the CPER AURA envelopes.
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
  for (const e of CPER_AURA_ENVELOPES) {
    if (openEnvelopes.some((o) => o.funder === e.funder && o.departmentCode === null)) continue;
    await envelopes.create(admin, await validateBody(CreateEnvelopeDto, { ...e, amountCents: Number(e.amountCents) }));
    created.envelopes++;
  }

  // ---------------------------------------------------------------- promoters, projects, séances

  const promoterIds = new Map<string, string>();
  for (const p of PROMOTERS) {
    const existing = (await promoters.list(instructor, { q: p.name, limit: 200 })).items.find((x) => x.name === p.name);
    const row = existing ?? (await promoters.create(instructor, await validateBody(CreatePromoterDto, { name: p.name, legalType: p.legalType, communeInsee: p.commune })));
    if (!existing) created.promoters++;
    promoterIds.set(p.name, row.id);
  }

  const sessions = await everyItem((cursor) => carpec.list(instructor, { limit: 200, cursor }));
  const sessionIds = {} as Record<SessionKey, string>;
  for (const [key, s] of Object.entries(SESSIONS) as [SessionKey, (typeof SESSIONS)[SessionKey]][]) {
    let session = sessions.find((x) => x.title === s.title);
    if (!session) {
      session = await carpec.create(instructor, await validateBody(CreateSessionDto, s));
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

  function stepsOf(story: Story): Step[] {
    const steps: Step[] = [];
    let at: ApplicationStatus = 'DRAFT';
    const step = (take: Step['take'], to?: ApplicationStatus) => {
      steps.push({ at, take });
      if (to) at = to;
    };
    if (story.siteMeeting) {
      const meeting = story.siteMeeting;
      step(async (id) => status(applications.siteMeeting(instructor, id, await validateBody(SiteMeetingDto, meeting))), 'SITE_MEETING_HELD');
    }
    if (story.requestReceivedOn) {
      const receivedOn = story.requestReceivedOn;
      step(async (id) => status(applications.submit(instructor, id, await validateBody(SubmitDto, { receivedOn }))), 'SUBMITTED');
    }
    if (story.opinion) {
      const { session, outcome, reservations } = story.opinion;
      step(async (id) => {
        await carpec.addToAgenda(instructor, sessionIds[session], await validateBody(AgendaItemDto, { applicationId: id, purpose: 'OPINION' }));
        return 'CARPEC_REVIEW';
      }, 'CARPEC_REVIEW');
      if (outcome) {
        step(async (id) => {
          const opinion = await validateBody(OpinionDto, { applicationId: id, outcome, ...(reservations && { reservations }) });
          return (await carpec.recordOpinion(instructor, sessionIds[session], opinion)).applicationStatus as ApplicationStatus;
        }, 'AWAITING_DECISION');
      }
    }
    if (story.approvedOn) {
      const decidedOn = story.approvedOn;
      step(async (id) => status(applications.decide(director, id, await validateBody(DecisionDto, { outcome: 'APPROVED', decidedOn }))), 'STEP2_IN_PROGRESS');
    }
    if (story.expenses) {
      const items = story.expenses;
      const here = at;
      step(async (id) => {
        const plan = await funding.plan(instructor, id).catch(absent);
        if (plan && plan.status !== 'COMPUTED') return null;
        await funding.replaceExpenses(instructor, id, await validateArray(ExpenseDto, items, 500));
        await funding.compute(instructor, id, {});
        await funding.commit(director, id);
        created['committed plans']++;
        return here;
      });
    }
    if (story.deliverablesReceivedOn) {
      const receivedOn = story.deliverablesReceivedOn;
      step(async (id) => status(applications.deliverables(instructor, id, await validateBody(DeliverablesDto, { receivedOn }))), 'DELIVERABLES_RECEIVED');
    }
    if (story.receipt) {
      const receipt = story.receipt;
      step(async (id) => status(applications.receipt(director, id, await validateBody(ReceiptDto, receipt))), 'RECEIPT_ISSUED');
    }
    if (story.information) {
      const sessionId = sessionIds[story.information];
      step(async (id) => {
        const listed = (await carpec.get(instructor, sessionId)).agenda.some((i) => i.applicationId === id && i.purpose === 'INFORMATION');
        if (listed) return null;
        await carpec.addToAgenda(instructor, sessionId, await validateBody(AgendaItemDto, { applicationId: id, purpose: 'INFORMATION' }));
        return 'RECEIPT_ISSUED';
      });
    }
    if (story.withdrawal) {
      const reason = story.withdrawal;
      step(async (id) => status(applications.withdraw(instructor, id, await validateBody(ReasonDto, { reason }))), 'WITHDRAWN');
    }
    return steps;
  }

  const reached: { name: string; id: string }[] = [];
  for (const p of PROJECTS) {
    let project = (await projects.list(instructor, { q: p.name, limit: 200 })).items.find((x) => x.name === p.name);
    if (!project) {
      const dto = {
        name: p.name,
        kind: p.kind,
        promoterId: promoterIds.get(p.promoter)!,
        communeInsee: p.commune,
        existing: p.existing,
        doctorsPlanned: p.doctors,
        professionalsPlanned: p.professionals,
        populationServed: p.population,
        balancedBudget: true,
        convention: 'NONE',
        ...(p.sisa && { sisa: true }),
      };
      project = await projects.create(instructor, await validateBody(CreateProjectDto, dto));
      created.projects++;
    }
    let dossier = (await applications.list(instructor, { q: p.name, limit: 200 })).items.find((a) => a.projectId === project.id);
    if (!dossier) {
      dossier = await applications.create(instructor, (await validateBody(CreateApplicationDto, { projectId: project.id })).projectId);
      created.dossiers++;
    }
    let current = dossier.status;
    for (const step of stepsOf(p.story)) {
      if (step.at !== current) continue;
      const next = await step.take(dossier.id);
      if (next === null) continue;
      created['dossier steps']++;
      current = next;
    }
    if (current !== p.story.stage)
      throw new Error(`The demo dossier of "${p.name}" stands at ${current}, not at ${p.story.stage}: it was moved by hand, or its commune's zoning changed.`);
    reached.push({ name: p.name, id: dossier.id });
  }

  // ---------------------------------------------------------------- summary

  const byStatus = new Map<string, number>();
  for (const a of await everyItem((cursor) => applications.list(admin, { limit: 200, cursor }))) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
  const committed: string[] = [];
  for (const d of reached) {
    const plan = await funding.plan(admin, d.id).catch(absent);
    if (plan?.status === 'COMMITTED') {
      const lines = plan.lines.filter((l) => l.amountCents > 0).map((l) => `${l.funder} ${euros(l.amountCents)}`);
      committed.push(`  ${d.name}: ${euros(plan.publicTotalCents)} of public aid (${lines.join(', ')})`);
    }
  }
  const total = Object.values(created).reduce((s, n) => s + n, 0);
  const summary = [
    `Demo data of region ${REGION} (Auvergne-Rhône-Alpes): ${total} new (${Object.entries(created)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}).`,
    `Dossiers by status: ${[...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')}.`,
    ...(committed.length ? ['Funding plans committed against the CPER AURA envelopes:', ...committed] : []),
    `Sign in as ${DEMO_USERS.map((u) => u.email).join(' or ')} (or the bootstrap admin ${config.bootstrap.email}) and open /docs.`,
  ];
  process.stdout.write(`${summary.join('\n')}\n`);
});
