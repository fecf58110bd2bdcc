// Test data, written straight to the test's database (the API under test is not used to
// set the scene), with sensible defaults that each test overrides where it matters.
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/accounts/passwords.js';
import type { Funder, OrganizationType, ProjectKind, Role, Zone } from '../../src/generated/prisma/enums.js';
import { searchKey } from '../../src/reference/search-key.js';
import type { TestApp } from './app.js';

export const PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;
const knownHash = () => (passwordHash ??= hashPassword(PASSWORD));

const unique = () => randomBytes(4).toString('hex');

export interface OrgOptions {
  type?: OrganizationType;
  regionCode?: string;
  departmentCode?: string | null;
  funders?: Funder[];
}

export function makeOrganization(t: TestApp, o: OrgOptions = {}) {
  return t.prisma.organization.create({
    data: {
      name: `${o.type ?? 'ARS'} ${unique()}`,
      type: o.type ?? 'ARS',
      regionCode: o.regionCode ?? '84',
      departmentCode: o.departmentCode ?? null,
      funders: o.funders ?? [],
    },
  });
}

export async function makeUser(t: TestApp, role: Role, organizationId: string, options: { active?: boolean } = {}) {
  return t.prisma.user.create({
    data: {
      email: `${role.toLowerCase()}-${unique()}@test.local`,
      passwordHash: await knownHash(),
      role,
      organizationId,
      active: options.active ?? true,
    },
  });
}

export interface Actor {
  userId: string;
  email: string;
  organizationId: string;
  token: string;
  /** `Authorization` header value. */
  auth: string;
}

/** A user of the given role, logged in through the real login route. */
export async function actor(t: TestApp, role: Role, org: OrgOptions = {}): Promise<Actor> {
  const organization = await makeOrganization(t, org);
  const user = await makeUser(t, role, organization.id);
  const res = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
  return {
    userId: user.id,
    email: user.email,
    organizationId: organization.id,
    token: res.body.accessToken,
    auth: `Bearer ${res.body.accessToken}`,
  };
}

export interface CommuneOptions {
  inseeCode?: string;
  name?: string;
  departmentCode?: string;
  regionCode?: string;
  population?: number;
  zone?: Zone;
  qpv?: boolean;
  island?: boolean;
  rural?: boolean;
  postalCodes?: string[];
}

let nextInsee = 1;
export function makeCommune(t: TestApp, c: CommuneOptions = {}) {
  const departmentCode = c.departmentCode ?? '43';
  const inseeCode = c.inseeCode ?? `${departmentCode}${String(100 + nextInsee++).padStart(3, '0')}`;
  const name = c.name ?? `Commune ${inseeCode}`;
  return t.prisma.commune.create({
    data: {
      inseeCode,
      name,
      searchName: searchKey(name),
      departmentCode,
      regionCode: c.regionCode ?? '84',
      population: c.population ?? 1500,
      zone: c.zone ?? 'ZIP',
      qpv: c.qpv ?? false,
      island: c.island ?? false,
      rural: c.rural ?? true,
      postalCodes: c.postalCodes ?? [],
    },
  });
}

export async function makePromoter(t: TestApp, communeInsee: string, o: { name?: string } = {}) {
  const commune = await t.prisma.commune.findUniqueOrThrow({ where: { inseeCode: communeInsee } });
  return t.prisma.promoter.create({
    data: {
      name: o.name ?? `Promoteur ${unique()}`,
      legalType: 'COMMUNE',
      communeInsee,
      regionCode: commune.regionCode,
      departmentCode: commune.departmentCode,
    },
  });
}

export async function makeProject(t: TestApp, promoterId: string, communeInsee: string, o: { name?: string; existing?: boolean; kind?: ProjectKind } = {}) {
  const commune = await t.prisma.commune.findUniqueOrThrow({ where: { inseeCode: communeInsee } });
  return t.prisma.project.create({
    data: {
      name: o.name ?? `MSP ${unique()}`,
      kind: o.kind ?? 'MSP',
      promoterId,
      communeInsee,
      regionCode: commune.regionCode,
      departmentCode: commune.departmentCode,
      existing: o.existing ?? false,
      doctorsPlanned: 3,
      professionalsPlanned: 8,
      populationServed: 6000,
      balancedBudget: true,
      convention: 'NONE',
      // The usual MSP: its professionals form a SISA (the ARS funds an MSP only then).
      sisa: true,
    },
  });
}

/** Asserts an RFC 9457 answer and returns its body. */
export function expectProblem(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number) {
  if (res.status !== status) {
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${res.headers['content-type']}`);
  }
  for (const key of ['type', 'title', 'status', 'detail']) {
    if (!(key in res.body)) throw new Error(`problem without ${key}: ${JSON.stringify(res.body)}`);
  }
  return res.body as { type: string; title: string; status: number; detail: string; errors?: { field: string; message: string; line?: number }[] } & Record<string, unknown>;
}

/** A call for applications of region 84 opened through the API (STEP1, spring 2027): its id. */
export async function makeCall(t: TestApp, by: Actor, extra: Record<string, unknown> = {}): Promise<string> {
  const body = { title: 'Appel 2027', regionCode: '84', opensOn: '2027-01-15', closesOn: '2027-04-30', procedure: 'STEP1', ...extra };
  return (await t.http().post('/api/v1/calls').set('Authorization', by.auth).send(body).expect(201)).body.id as string;
}
