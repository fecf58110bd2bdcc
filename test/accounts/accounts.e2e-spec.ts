import { startTestApp, type TestApp } from '../helpers/app.js';
import { actor, type Actor, expectProblem, makeCommune, makeOrganization, makeProject, makePromoter, PASSWORD } from '../helpers/factories.js';

describe('accounts: organisations, users, API keys, scopes', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await actor(t, 'ADMIN');
  });
  afterAll(() => t.close());

  const as = (a: Actor) => ({ Authorization: a.auth });

  describe('organisations', () => {
    it('creates a préfecture de département of its region, and lists it', async () => {
      const res = await t
        .http()
        .post('/api/v1/organizations')
        .set(as(admin))
        .send({ name: 'Préfecture de la Haute-Savoie', type: 'PREFECTURE_DEPARTEMENT', regionCode: '84', departmentCode: '74', funders: ['DETR'] })
        .expect(201);
      expect(res.headers.location).toBe(`/api/v1/organizations/${res.body.id}`);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({ type: 'PREFECTURE_DEPARTEMENT', departmentCode: '74', funders: ['DETR'], version: 1 });
      const list = await t.http().get('/api/v1/organizations').set(as(admin)).expect(200);
      expect(list.body.items.map((o: { id: string }) => o.id)).toContain(res.body.id);
    });

    it('refuses an unknown type, a missing département and a funder the organisation does not grant (400)', async () => {
      const unknown = expectProblem(await t.http().post('/api/v1/organizations').set(as(admin)).send({ name: 'X', type: 'MAIRIE', regionCode: '84' }), 400);
      expect(unknown.errors!.map((e) => e.field)).toEqual(['type']);
      const noDep = expectProblem(await t.http().post('/api/v1/organizations').set(as(admin)).send({ name: 'X', type: 'CONSEIL_DEPARTEMENTAL', regionCode: '84' }), 400);
      expect(noDep.errors!.map((e) => e.field)).toEqual(['departmentCode']);
      const funder = expectProblem(
        await t
          .http()
          .post('/api/v1/organizations')
          .set(as(admin))
          .send({ name: 'X', type: 'CPAM', regionCode: '84', funders: ['DETR'] }),
        400,
      );
      expect(funder.errors![0].field).toBe('funders');
    });

    it("refuses another region's organisation (403) and hides other regions' ones (404)", async () => {
      expectProblem(
        await t
          .http()
          .post('/api/v1/organizations')
          .set(as(admin))
          .send({ name: 'ARS Bretagne', type: 'ARS', regionCode: '53', funders: ['ARS'] }),
        403,
      );
      const other = await makeOrganization(t, { regionCode: '53' });
      expectProblem(await t.http().get(`/api/v1/organizations/${other.id}`).set(as(admin)), 404);
    });

    it('updates with If-Match and refuses a stale version with 412', async () => {
      const org = await makeOrganization(t, { type: 'REGION', funders: ['REGION'] });
      const ok = await t.http().patch(`/api/v1/organizations/${org.id}`).set(as(admin)).set('If-Match', '"1"').send({ name: 'Région Auvergne-Rhône-Alpes' }).expect(200);
      expect(ok.body.version).toBe(2);
      expect(ok.headers.etag).toBe('"2"');
      const stale = expectProblem(await t.http().patch(`/api/v1/organizations/${org.id}`).set(as(admin)).set('If-Match', '"1"').send({ name: 'Lost update' }), 412);
      expect(stale).toMatchObject({ currentVersion: 2 });
      expect((await t.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).name).toBe('Région Auvergne-Rhône-Alpes');
    });
  });

  describe('users', () => {
    it('creates an instructor who can log in; never returns the hash', async () => {
      const res = await t
        .http()
        .post('/api/v1/users')
        .set(as(admin))
        .send({ email: 'Claire.Martin@ars.test', password: 'twelve chars long', role: 'INSTRUCTOR', organizationId: admin.organizationId })
        .expect(201);
      expect(res.body).toMatchObject({ email: 'claire.martin@ars.test', displayName: null, role: 'INSTRUCTOR', active: true, version: 1 });
      expect(JSON.stringify(res.body)).not.toMatch(/argon|passwordHash/);
      await t.http().post('/api/v1/auth/login').send({ email: 'claire.martin@ars.test', password: 'twelve chars long' }).expect(200);
      expectProblem(
        await t
          .http()
          .post('/api/v1/users')
          .set(as(admin))
          .send({ email: 'claire.martin@ars.test', password: 'twelve chars long', role: 'INSTRUCTOR', organizationId: admin.organizationId }),
        409,
      );
    });

    it('refuses a short password, an unknown role, REPORTING (keys only) and a role the organisation cannot hold', async () => {
      const base = { email: 'x@ars.test', password: 'twelve chars long', role: 'INSTRUCTOR', organizationId: admin.organizationId };
      expect(
        expectProblem(
          await t
            .http()
            .post('/api/v1/users')
            .set(as(admin))
            .send({ ...base, password: 'short' }),
          400,
        ).errors![0].field,
      ).toBe('password');
      expect(
        expectProblem(
          await t
            .http()
            .post('/api/v1/users')
            .set(as(admin))
            .send({ ...base, role: 'KING' }),
          400,
        ).errors![0].field,
      ).toBe('role');
      expect(
        expectProblem(
          await t
            .http()
            .post('/api/v1/users')
            .set(as(admin))
            .send({ ...base, role: 'REPORTING' }),
          400,
        ).errors![0].message,
      ).toMatch(/API keys only/);
      expect(
        expectProblem(
          await t
            .http()
            .post('/api/v1/users')
            .set(as(admin))
            .send({ ...base, role: 'PARTNER' }),
          400,
        ).errors![0].field,
      ).toBe('role');
    });

    it("answers 404 for an account in another region's organisation, and for another region's user", async () => {
      const other = await makeOrganization(t, { regionCode: '53' });
      expectProblem(
        await t.http().post('/api/v1/users').set(as(admin)).send({ email: 'y@ars.test', password: 'twelve chars long', role: 'INSTRUCTOR', organizationId: other.id }),
        404,
      );
      const otherUser = await actor(t, 'INSTRUCTOR', { regionCode: '53' });
      expectProblem(await t.http().get(`/api/v1/users/${otherUser.userId}`).set(as(admin)), 404);
      expectProblem(await t.http().patch(`/api/v1/users/${otherUser.userId}`).set(as(admin)).send({ active: false }), 404);
      const list = await t.http().get('/api/v1/users?limit=200').set(as(admin)).expect(200);
      expect(list.body.items.map((u: { id: string }) => u.id)).not.toContain(otherUser.userId);
    });

    it('deactivation stops the access token and the refresh token at once; the change is audited', async () => {
      const victim = await actor(t, 'INSTRUCTOR');
      const login = await t.http().post('/api/v1/auth/login').send({ email: victim.email, password: PASSWORD }).expect(200);
      await t.http().patch(`/api/v1/users/${victim.userId}`).set(as(admin)).send({ active: false }).expect(200);
      expectProblem(await t.http().get('/api/v1/me').set('Authorization', victim.auth), 401);
      expectProblem(await t.http().post('/api/v1/auth/refresh').send({ refreshToken: login.body.refreshToken }), 401);
      const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { action: 'user.deactivate', entityId: victim.userId } });
      expect(audit).toMatchObject({ actorId: admin.userId, before: expect.objectContaining({ active: true }), after: expect.objectContaining({ active: false }) });
    });

    it('records role changes, and an admin cannot demote itself', async () => {
      const u = await actor(t, 'INSTRUCTOR');
      await t.http().patch(`/api/v1/users/${u.userId}`).set(as(admin)).send({ role: 'DIRECTOR' }).expect(200);
      expect(await t.prisma.auditLog.count({ where: { action: 'user.role_change', entityId: u.userId } })).toBe(1);
      expectProblem(await t.http().patch(`/api/v1/users/${admin.userId}`).set(as(admin)).send({ role: 'AUDITOR' }), 400);
    });

    it('keeps a display name: set (trimmed) at creation, changed and cleared by PATCH, each change audited; /me shows it', async () => {
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(as(admin))
        .send({ email: 'camille.martin@ars.test', displayName: '  Camille Martin  ', password: 'twelve chars long', role: 'INSTRUCTOR', organizationId: admin.organizationId })
        .expect(201);
      const id: string = created.body.id;
      expect(created.body).toMatchObject({ email: 'camille.martin@ars.test', displayName: 'Camille Martin', version: 1 });
      expect((await t.http().get(`/api/v1/users/${id}`).set(as(admin)).expect(200)).body.displayName).toBe('Camille Martin');
      const creation = await t.prisma.auditLog.findFirstOrThrow({ where: { action: 'user.create', entityId: id } });
      expect(creation.after).toMatchObject({ displayName: 'Camille Martin' });

      const login = await t.http().post('/api/v1/auth/login').send({ email: 'camille.martin@ars.test', password: 'twelve chars long' }).expect(200);
      const camille = { Authorization: `Bearer ${login.body.accessToken}` };
      const organization = await t.prisma.organization.findUniqueOrThrow({ where: { id: admin.organizationId } });
      expect((await t.http().get('/api/v1/me').set(camille).expect(200)).body).toEqual({
        kind: 'USER',
        id,
        role: 'INSTRUCTOR',
        organizationId: admin.organizationId,
        regionCode: '84',
        departmentCode: null,
        funders: [],
        email: 'camille.martin@ars.test',
        displayName: 'Camille Martin',
        name: null,
        organizationName: organization.name,
        organizationType: 'ARS',
      });

      const renamed = await t.http().patch(`/api/v1/users/${id}`).set(as(admin)).set('If-Match', '"1"').send({ displayName: 'Camille Martin-Durand' }).expect(200);
      expect(renamed.body).toMatchObject({ displayName: 'Camille Martin-Durand', role: 'INSTRUCTOR', active: true, version: 2 });
      expect((await t.http().get('/api/v1/me').set(camille).expect(200)).body.displayName).toBe('Camille Martin-Durand');

      const cleared = await t.http().patch(`/api/v1/users/${id}`).set(as(admin)).send({ displayName: null }).expect(200);
      expect(cleared.body).toMatchObject({ displayName: null, version: 3 });
      expect((await t.prisma.user.findUniqueOrThrow({ where: { id } })).displayName).toBeNull();
      expect((await t.http().get('/api/v1/me').set(camille).expect(200)).body).toMatchObject({ email: 'camille.martin@ars.test', displayName: null });

      const changes = await t.prisma.auditLog.findMany({ where: { action: 'user.update', entityId: id }, orderBy: { id: 'asc' } });
      expect(changes.map((c) => ({ actorId: c.actorId, before: c.before, after: c.after }))).toEqual([
        {
          actorId: admin.userId,
          before: expect.objectContaining({ displayName: 'Camille Martin', version: 1 }),
          after: expect.objectContaining({ displayName: 'Camille Martin-Durand', version: 2 }),
        },
        {
          actorId: admin.userId,
          before: expect.objectContaining({ displayName: 'Camille Martin-Durand', version: 2 }),
          after: expect.objectContaining({ displayName: null, version: 3 }),
        },
      ]);
    });

    it('refuses a display name over 200 characters or not a string (400 naming displayName); a blank one is none', async () => {
      const base = { password: 'twelve chars long', role: 'INSTRUCTOR', organizationId: admin.organizationId };
      const tooLong = expectProblem(
        await t
          .http()
          .post('/api/v1/users')
          .set(as(admin))
          .send({ ...base, email: 'long@ars.test', displayName: 'x'.repeat(201) }),
        400,
      );
      expect(tooLong.errors!.map((e) => e.field)).toEqual(['displayName']);
      expect(await t.prisma.user.count({ where: { email: 'long@ars.test' } })).toBe(0);

      const blank = await t
        .http()
        .post('/api/v1/users')
        .set(as(admin))
        .send({ ...base, email: 'blank@ars.test', displayName: '   ' })
        .expect(201);
      expect(blank.body.displayName).toBeNull();

      const id: string = blank.body.id;
      const patchTooLong = expectProblem(
        await t
          .http()
          .patch(`/api/v1/users/${id}`)
          .set(as(admin))
          .send({ displayName: 'é'.repeat(201) }),
        400,
      );
      expect(patchTooLong.errors!.map((e) => e.field)).toEqual(['displayName']);
      const notText = expectProblem(await t.http().patch(`/api/v1/users/${id}`).set(as(admin)).send({ displayName: 42 }), 400);
      expect([...new Set(notText.errors!.map((e) => e.field))]).toEqual(['displayName']);
      // Nothing to change: refused rather than a write that changes nothing.
      expect(expectProblem(await t.http().patch(`/api/v1/users/${id}`).set(as(admin)).send({}), 400).errors!.map((e) => e.field)).toEqual(['body']);
      expect(await t.prisma.user.findUniqueOrThrow({ where: { id } })).toMatchObject({ displayName: null, version: 1 });

      // 200 characters, once trimmed, are allowed.
      const longest = await t
        .http()
        .patch(`/api/v1/users/${id}`)
        .set(as(admin))
        .send({ displayName: ` ${'é'.repeat(200)} ` })
        .expect(200);
      expect(longest.body.displayName).toBe('é'.repeat(200));
    });
  });

  describe('API keys', () => {
    it('shows the key once, authenticates with it as X-API-Key, and stops it at revocation', async () => {
      const created = await t.http().post('/api/v1/api-keys').set(as(admin)).send({ name: 'nightly reports', role: 'REPORTING', organizationId: admin.organizationId }).expect(201);
      expect(created.body.key).toMatch(/^msp_[0-9a-f]{16}_/);
      const stored = await t.prisma.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
      expect(JSON.stringify(stored)).not.toContain(created.body.key.split('_').slice(2).join('_'));
      const me = await t.http().get('/api/v1/me').set('X-API-Key', created.body.key).expect(200);
      const organization = await t.prisma.organization.findUniqueOrThrow({ where: { id: admin.organizationId } });
      expect(me.body).toEqual({
        kind: 'API_KEY',
        id: created.body.id,
        role: 'REPORTING',
        organizationId: admin.organizationId,
        regionCode: '84',
        departmentCode: null,
        funders: [],
        email: null,
        displayName: null,
        name: 'nightly reports',
        organizationName: organization.name,
        organizationType: 'ARS',
      });
      const list = await t.http().get('/api/v1/api-keys').set(as(admin)).expect(200);
      const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
      expect(listed.key).toBeUndefined();
      expect(listed.lastUsedAt).not.toBeNull();

      await t.http().delete(`/api/v1/api-keys/${created.body.id}`).set(as(admin)).expect(204);
      expectProblem(await t.http().get('/api/v1/me').set('X-API-Key', created.body.key), 401);
      expect(await t.prisma.auditLog.count({ where: { entityId: created.body.id, action: { in: ['api_key.create', 'api_key.use', 'api_key.revoke'] } } })).toBe(3);
    });

    it('refuses a wrong, a forged and an expired key', async () => {
      const created = await t.http().post('/api/v1/api-keys').set(as(admin)).send({ name: 'k', role: 'AUDITOR', organizationId: admin.organizationId }).expect(201);
      const forged = created.body.key.slice(0, -4) + 'AAAA';
      expectProblem(await t.http().get('/api/v1/me').set('X-API-Key', forged), 401);
      expectProblem(await t.http().get('/api/v1/me').set('X-API-Key', 'not-a-key'), 401);
      await t.prisma.apiKey.update({ where: { id: created.body.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expectProblem(await t.http().get('/api/v1/me').set('X-API-Key', created.body.key), 401);
      expectProblem(
        await t.http().post('/api/v1/api-keys').set(as(admin)).send({ name: 'k', role: 'REPORTING', organizationId: admin.organizationId, expiresAt: '2020-01-01T00:00:00Z' }),
        400,
      );
    });
  });

  describe('territories', () => {
    it('a préfecture de département sees only its département; a region-53 account sees nothing of region 84', async () => {
      const c74 = await makeCommune(t, { inseeCode: '74119', departmentCode: '74', name: 'Évian-les-Bains' });
      const c43 = await makeCommune(t, { inseeCode: '43040', departmentCode: '43', name: 'Brioude' });
      const p74 = await makePromoter(t, c74.inseeCode);
      const p43 = await makePromoter(t, c43.inseeCode);
      const proj74 = await makeProject(t, p74.id, c74.inseeCode);
      const proj43 = await makeProject(t, p43.id, c43.inseeCode);

      const prefecture = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '74', funders: ['DETR'] });
      const projects = await t.http().get('/api/v1/projects?limit=200').set(as(prefecture)).expect(200);
      const ids = projects.body.items.map((p: { id: string }) => p.id);
      expect(ids).toContain(proj74.id);
      expect(ids).not.toContain(proj43.id);
      expectProblem(await t.http().get(`/api/v1/projects/${proj43.id}`).set(as(prefecture)), 404);
      expectProblem(await t.http().get('/api/v1/communes/43040').set(as(prefecture)), 404);
      await t.http().get('/api/v1/communes/74119').set(as(prefecture)).expect(200);

      // And its dossiers: created by an ARS instructor in both départements.
      const instructor = await actor(t, 'INSTRUCTOR');
      const d74 = await t.http().post('/api/v1/applications').set(as(instructor)).send({ projectId: proj74.id }).expect(201);
      const d43 = await t.http().post('/api/v1/applications').set(as(instructor)).send({ projectId: proj43.id }).expect(201);
      const dossiers = await t.http().get('/api/v1/applications?limit=200').set(as(prefecture)).expect(200);
      expect(dossiers.body.items.map((d: { id: string }) => d.id)).toEqual([d74.body.id]);
      expectProblem(await t.http().get(`/api/v1/applications/${d43.body.id}`).set(as(prefecture)), 404);
      await t.http().get(`/api/v1/applications/${d74.body.id}/events`).set(as(prefecture)).expect(200);

      const bretagne = await actor(t, 'AUDITOR', { regionCode: '53' });
      for (const path of ['/api/v1/projects', '/api/v1/promoters', '/api/v1/communes', '/api/v1/applications', '/api/v1/envelopes', '/api/v1/carpec-sessions']) {
        const res = await t.http().get(path).set(as(bretagne)).expect(200);
        expect(res.body.items).toEqual([]);
      }
    });

    it('a partner may write nothing here (403)', async () => {
      const partner = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
      expectProblem(await t.http().post('/api/v1/promoters').set(as(partner)).send({}), 403);
      expectProblem(await t.http().post('/api/v1/users').set(as(partner)).send({}), 403);
      expectProblem(await t.http().patch('/api/v1/communes/74119').set(as(partner)).send({ zone: 'ZIP' }), 403);
    });
  });
});
