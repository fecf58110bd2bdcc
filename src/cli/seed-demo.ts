// `npm run seed:demo`: a small, realistic data set of Auvergne-Rhône-Alpes (region 84) so that
// a new user sees something: communes with their zoning, promoters, projects and dossiers.
// The zoning is illustrative (demo data), not the ARS's official zoning. Running it twice
// changes nothing.
import { PrismaPg } from '@prisma/adapter-pg';
import { eligibilityOf } from '../applications/eligibility.js';
import { PrismaClient } from '../generated/prisma/client.js';
import type { LegalType, ProjectKind, Zone } from '../generated/prisma/enums.js';
import { CPER_AURA_ENVELOPES, EXAMPLE_RULE_SETS } from '../funding/examples.js';
import { searchKey } from '../reference/search-key.js';
import { log, prepare } from './runtime.js';

const COMMUNES: { inseeCode: string; name: string; dep: string; population: number; zone: Zone; qpv?: boolean; postal: string; rural: boolean }[] = [
  { inseeCode: '43040', name: 'Brioude', dep: '43', population: 6_600, zone: 'ZIP', postal: '43100', rural: false },
  { inseeCode: '15187', name: 'Saint-Flour', dep: '15', population: 6_400, zone: 'ZIP', postal: '15100', rural: false },
  { inseeCode: '03185', name: 'Montluçon', dep: '03', population: 34_000, zone: 'ZAC', qpv: true, postal: '03100', rural: false },
  { inseeCode: '74119', name: 'Évian-les-Bains', dep: '74', population: 9_200, zone: 'ZAC', postal: '74500', rural: false },
  { inseeCode: '07010', name: 'Annonay', dep: '07', population: 16_000, zone: 'NONE', postal: '07100', rural: false },
];

const PROMOTERS: { name: string; legalType: LegalType; commune: string }[] = [
  { name: 'Commune de Brioude', legalType: 'COMMUNE', commune: '43040' },
  { name: 'Association Santé Pays de Saint-Flour', legalType: 'ASSOCIATION', commune: '15187' },
  { name: 'Montluçon Communauté', legalType: 'EPCI', commune: '03185' },
  { name: 'SISA Pôle santé du Chablais', legalType: 'SISA', commune: '74119' },
];

const PROJECTS: { name: string; kind: ProjectKind; promoter: string; commune: string; existing: boolean; doctors: number; professionals: number; population: number }[] = [
  { name: 'MSP de Brioude', kind: 'MSP', promoter: 'Commune de Brioude', commune: '43040', existing: false, doctors: 4, professionals: 12, population: 9_000 },
  { name: 'Centre de santé polyvalent de Saint-Flour', kind: 'CDS_POLYVALENT', promoter: 'Association Santé Pays de Saint-Flour', commune: '15187', existing: false, doctors: 3, professionals: 7, population: 7_500 },
  { name: 'Centre de santé médical Fontbouillant', kind: 'CDS_MEDICAL', promoter: 'Montluçon Communauté', commune: '03185', existing: true, doctors: 5, professionals: 9, population: 12_000 },
  { name: 'MSP du Chablais', kind: 'MSP', promoter: 'SISA Pôle santé du Chablais', commune: '74119', existing: false, doctors: 6, professionals: 14, population: 15_000 },
];

const { db } = await prepare({ migrate: true });
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
try {
  for (const c of COMMUNES) {
    const data = {
      name: c.name,
      searchName: searchKey(c.name),
      departmentCode: c.dep,
      regionCode: '84',
      population: c.population,
      zone: c.zone,
      qpv: c.qpv ?? false,
      rural: c.rural,
      postalCodes: [c.postal],
    };
    await prisma.commune.upsert({ where: { inseeCode: c.inseeCode }, create: { inseeCode: c.inseeCode, ...data }, update: {} });
  }
  const promoterIds = new Map<string, string>();
  for (const p of PROMOTERS) {
    const existing = await prisma.promoter.findFirst({ where: { name: p.name, regionCode: '84' } });
    const dep = COMMUNES.find((c) => c.inseeCode === p.commune)!.dep;
    const row =
      existing ??
      (await prisma.promoter.create({
        data: { name: p.name, legalType: p.legalType, communeInsee: p.commune, regionCode: '84', departmentCode: dep },
      }));
    promoterIds.set(p.name, row.id);
  }
  let dossiers = 0;
  for (const p of PROJECTS) {
    if (await prisma.project.findFirst({ where: { name: p.name, regionCode: '84' } })) continue;
    const commune = COMMUNES.find((c) => c.inseeCode === p.commune)!;
    const project = await prisma.project.create({
      data: {
        name: p.name,
        kind: p.kind,
        promoterId: promoterIds.get(p.promoter)!,
        communeInsee: p.commune,
        regionCode: '84',
        departmentCode: commune.dep,
        existing: p.existing,
        doctorsPlanned: p.doctors,
        professionalsPlanned: p.professionals,
        populationServed: p.population,
        balancedBudget: true,
        convention: 'NONE',
      },
    });
    // A dossier in DRAFT for each project: its candidature is recorded.
    const eligibility = eligibilityOf({ name: commune.name, zone: commune.zone, qpv: commune.qpv ?? false, island: false });
    await prisma.application.create({
      data: {
        projectId: project.id,
        regionCode: '84',
        departmentCode: commune.dep,
        kind: p.kind,
        zone: commune.zone,
        eligible: eligibility.eligible,
        eligibilityReasons: eligibility.reasons,
      },
    });
    dossiers++;
  }
  // Example rule sets from the seeds (each in its own region), the AURA one active in 84,
  // and the CPER AURA 2021-2027 envelopes (seed 000).
  let ruleSets = 0;
  for (const example of EXAMPLE_RULE_SETS) {
    if (await prisma.fundingRuleSet.findFirst({ where: { regionCode: example.regionCode, name: example.name } })) continue;
    const funders = JSON.parse(JSON.stringify(example.ruleSet.funders, (_, v) => (typeof v === 'bigint' ? Number(v) : v)));
    const active = !(await prisma.fundingRuleSet.findFirst({ where: { regionCode: example.regionCode, active: true } }));
    await prisma.fundingRuleSet.create({
      data: { regionCode: example.regionCode, name: example.name, publicCeilingBps: example.ruleSet.publicCeilingBps, funders, active },
    });
    ruleSets++;
  }
  let envelopes = 0;
  for (const e of CPER_AURA_ENVELOPES) {
    if (await prisma.envelope.findFirst({ where: { funder: e.funder, regionCode: e.regionCode, status: 'OPEN' } })) continue;
    await prisma.envelope.create({ data: { ...e } });
    envelopes++;
  }
  log.info(`demo funding: ${ruleSets} example rule set(s), ${envelopes} CPER envelope(s)`);
  log.info(`demo data of region 84: ${COMMUNES.length} communes, ${PROMOTERS.length} promoters, ${PROJECTS.length} projects, ${dossiers} new dossier(s)`);
} finally {
  await prisma.$disconnect();
  await db.stop();
}
