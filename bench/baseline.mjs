// The floor the service is measured against: a bare Fastify server with `pg` answering the same
// requests with the same SQL results and the same JSON, with no framework, no ORM and no auth.
// It reuses the service's pure code (the DTO mapper and the calculator) from dist/.
import { createHmac, randomBytes, createHash } from 'node:crypto';
import argon2 from 'argon2';
import Fastify from 'fastify';
import pg from 'pg';
import { toApplicationDto } from '../dist/applications/applications.service.js';
import { computePlan } from '../dist/funding/calculator.js';
import { toRuleSet } from '../dist/funding/funding.service.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL ?? 20) });
const app = Fastify({ logger: false });
const principal = { kind: 'USER', id: '00000000-0000-7000-8000-000000000000', role: 'INSTRUCTOR', regionCode: '84', departmentCode: null, funders: [] };

const SELECT = `
  SELECT a.id, a.project_id AS "projectId", a.region_code AS "regionCode", a.department_code AS "departmentCode", a.kind, a.zone, a.status,
         a.eligible, a.eligibility_reasons AS "eligibilityReasons", a.assignee_id AS "assigneeId",
         a.site_meeting_held_on AS "siteMeetingHeldOn", a.site_meeting_participants AS "siteMeetingParticipants",
         a.site_meeting_findings AS "siteMeetingFindings", a.deliverables_received_on AS "deliverablesReceivedOn",
         a.receipt_due_on AS "receiptDueOn", a.completion_summary AS "completionSummary", a.closing_reason AS "closingReason",
         a.last_event_at AS "lastEventAt", a.version, a.created_at AS "createdAt", a.updated_at AS "updatedAt",
         a.procedure, a.letter_of_intent_requested AS "letterOfIntentRequested", a.request_received_on AS "requestReceivedOn",
         a.audit_plan_delivered_on AS "auditPlanDeliveredOn", a.audit_plan_summary AS "auditPlanSummary",
         a.detr_decision AS "detrDecision", a.detr_reason AS "detrReason", a.detr_decided_at AS "detrDecidedAt",
         json_build_object('name', p.name, 'existing', p.existing, 'convention', p.convention, 'nature', p.nature, 'kind', p.kind,
                           'professionalsPlanned', p.professionals_planned, 'populationServed', p.population_served,
                           'antenneHoursPerWeek', p.antenne_hours_per_week, 'antenneMinutesFromMainSite', p.antenne_minutes_from_main_site,
                           'antenneSharesInformationSystem', p.antenne_shares_information_system) AS project,
         coalesce((SELECT json_agg(json_build_object('code', t.code, 'note', t.note, 'attestedById', t.attested_by_id, 'attestedAt', t.attested_at) ORDER BY t.code)
                   FROM application_attestations t WHERE t.application_id = a.id), '[]') AS attestations,
         CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object('issuedOn', r.issued_on, 'finessEj', r.finess_ej, 'finessEt', r.finess_et, 'late', r.late) END AS receipt,
         d.decision
  FROM applications a JOIN projects p ON p.id = a.project_id
  LEFT JOIN receipts r ON r.application_id = a.id
  LEFT JOIN LATERAL (SELECT json_build_object('outcome', outcome, 'decidedOn', decided_on, 'motivation', motivation,
                            'differsFromOpinion', differs_from_opinion) AS decision
                     FROM decisions WHERE application_id = a.id ORDER BY created_at DESC LIMIT 1) d ON true`;

const dates = (row) => ({
  ...row,
  siteMeetingHeldOn: row.siteMeetingHeldOn && new Date(row.siteMeetingHeldOn),
  deliverablesReceivedOn: row.deliverablesReceivedOn && new Date(row.deliverablesReceivedOn),
  receiptDueOn: row.receiptDueOn && new Date(row.receiptDueOn),
  requestReceivedOn: row.requestReceivedOn && new Date(row.requestReceivedOn),
  auditPlanDeliveredOn: row.auditPlanDeliveredOn && new Date(row.auditPlanDeliveredOn),
  attestations: row.attestations.map((t) => ({ ...t, attestedAt: new Date(t.attestedAt) })),
  receipt: row.receipt && { ...row.receipt, issuedOn: new Date(row.receipt.issuedOn) },
  decisions: row.decision ? [{ ...row.decision, decidedOn: new Date(row.decision.decidedOn) }] : [],
});
const dto = (row) => toApplicationDto(dates(row), principal);
const page = (rows, limit) => {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items: items.map(dto), nextCursor: more ? Buffer.from(items[items.length - 1].id).toString('base64url') : null };
};

app.get('/health/live', async () => ({ status: 'ok' }));

app.get('/api/v1/applications/:id', async (req, reply) => {
  const { rows } = await pool.query(`${SELECT} WHERE a.id = $1 AND a.region_code = '84'`, [req.params.id]);
  if (!rows.length) return reply.code(404).send({ status: 404 });
  return dto(rows[0]);
});

app.get('/api/v1/applications', async (req) => {
  const { status, departmentCode, cursor } = req.query;
  const limit = Number(req.query.limit ?? 50);
  const params = ['84'];
  let where = 'a.region_code = $1';
  if (status) where += ` AND a.status = $${params.push(status)}`;
  if (departmentCode) where += ` AND a.department_code = $${params.push(departmentCode)}`;
  if (cursor) where += ` AND a.id > $${params.push(Buffer.from(cursor, 'base64url').toString())}`;
  const { rows } = await pool.query(`${SELECT} WHERE ${where} ORDER BY a.id LIMIT ${limit + 1}`, params);
  return page(rows, limit);
});

app.post('/api/v1/applications/:id/funding-plan/compute', async (req, reply) => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `SELECT a.id, a.status, pr.existing, pr.doctors_planned, pr.balanced_budget, pr.forecast_deficit_cents, pm.legal_type,
              c.zone, c.qpv, c.island, c.rural, fp.status AS plan_status,
              (SELECT json_agg(json_build_object('category', e.category, 'amountCents', e.amount_cents::text)) FROM expenses e WHERE e.application_id = a.id) AS expenses,
              rs.id AS rule_set_id, rs.public_ceiling_bps, rs.funders
       FROM applications a JOIN projects pr ON pr.id = a.project_id JOIN promoters pm ON pm.id = pr.promoter_id
       JOIN communes c ON c.insee_code = pr.commune_insee LEFT JOIN funding_plans fp ON fp.application_id = a.id
       JOIN funding_rule_sets rs ON rs.region_code = a.region_code AND rs.active
       WHERE a.id = $1 AND a.region_code = '84' FOR UPDATE OF a`,
      [req.params.id],
    );
    const d = rows[0];
    if (!d || d.plan_status === 'COMMITTED') {
      await client.query('ROLLBACK');
      return reply.code(d ? 409 : 404).send({ status: d ? 409 : 404 });
    }
    const plan = computePlan({
      ruleSet: toRuleSet({ publicCeilingBps: d.public_ceiling_bps, funders: d.funders }),
      promoterType: d.legal_type,
      project: {
        existing: d.existing,
        doctorsPlanned: d.doctors_planned,
        balancedBudget: d.balanced_budget,
        forecastDeficitCents: d.forecast_deficit_cents === null ? null : BigInt(d.forecast_deficit_cents),
      },
      commune: { zone: d.zone, qpv: d.qpv, island: d.island, rural: d.rural },
      expenses: (d.expenses ?? []).map((e) => ({ category: e.category, amountCents: BigInt(e.amountCents) })),
    });
    const { rows: saved } = await client.query(
      `INSERT INTO funding_plans (id, application_id, rule_set_id, total_cents, eligible_cost_cents, public_ceiling_cents, self_financing_cents, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (application_id) DO UPDATE SET rule_set_id = EXCLUDED.rule_set_id, total_cents = EXCLUDED.total_cents,
         eligible_cost_cents = EXCLUDED.eligible_cost_cents, public_ceiling_cents = EXCLUDED.public_ceiling_cents,
         self_financing_cents = EXCLUDED.self_financing_cents, version = funding_plans.version + 1, computed_at = now(), updated_at = now()
       RETURNING id, version`,
      [d.id, d.rule_set_id, plan.totalCents, plan.eligibleCostCents, plan.publicCeilingCents, plan.selfFinancingCents],
    );
    await client.query('DELETE FROM funding_plan_lines WHERE plan_id = $1', [saved[0].id]);
    await client.query(
      `INSERT INTO funding_plan_lines (id, plan_id, funder, eligible, reasons, base_cents, requested_rate_bps, applied_rate_bps, amount_cents, bound_by, updated_at)
       SELECT gen_random_uuid(), $1, f::"Funder", e, string_to_array(r, '|'), b, NULL, rate, amt, bb::"BoundBy", now()
       FROM unnest($2::text[], $3::boolean[], $4::text[], $5::bigint[], $6::int[], $7::bigint[], $8::text[]) AS t(f, e, r, b, rate, amt, bb)`,
      [
        saved[0].id,
        plan.lines.map((l) => l.funder),
        plan.lines.map((l) => l.eligible),
        plan.lines.map((l) => l.reasons.join('|')),
        plan.lines.map((l) => l.baseCents),
        plan.lines.map((l) => l.appliedRateBps),
        plan.lines.map((l) => l.amountCents),
        plan.lines.map((l) => l.boundBy),
      ],
    );
    await client.query('COMMIT');
    const n = (v) => Number(v);
    return {
      id: saved[0].id,
      status: 'COMPUTED',
      ruleSetId: d.rule_set_id,
      ruleSetRevision: 1,
      totalCents: n(plan.totalCents),
      eligibleCostCents: n(plan.eligibleCostCents),
      publicCeilingCents: n(plan.publicCeilingCents),
      publicTotalCents: n(plan.publicTotalCents),
      selfFinancingCents: n(plan.selfFinancingCents),
      lines: plan.lines.map(({ startUpAidCents: _startUp, ...l }) => ({
        ...l,
        baseCents: n(l.baseCents),
        amountCents: n(l.amountCents),
        committedCents: null,
        paidCents: 0,
        toRecoverCents: 0,
      })),
      version: saved[0].version,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
});

// The floor of a read on this machine: one prepared statement whose JSON PostgreSQL builds
// (row_to_json of the same SELECT), its text sent untouched — no parsing, no mapping, no auth.
const floorOne = `SELECT row_to_json(x)::text FROM (${SELECT} WHERE a.id = $1 AND a.region_code = '84') x`;
app.get('/floor/api/v1/applications/:id', async (req, reply) => {
  const { rows } = await pool.query({ name: 'floor_one', text: floorOne, values: [req.params.id], rowMode: 'array' });
  if (!rows.length) return reply.code(404).send({ status: 404 });
  return reply.type('application/json; charset=utf-8').send(rows[0][0]);
});
// A page, the same way: the page and its cursor built by PostgreSQL, one prepared statement per filter shape.
app.get('/floor/api/v1/applications', async (req, reply) => {
  const { status, departmentCode, cursor } = req.query;
  const limit = Number(req.query.limit ?? 50);
  const params = ['84', limit];
  let where = 'a.region_code = $1';
  if (status) where += ` AND a.status = $${params.push(status)}`;
  if (departmentCode) where += ` AND a.department_code = $${params.push(departmentCode)}`;
  if (cursor) where += ` AND a.id > $${params.push(Buffer.from(cursor, 'base64url').toString())}`;
  const text = `WITH page AS (${SELECT} WHERE ${where} ORDER BY a.id LIMIT $2::int + 1),
                     items AS (SELECT * FROM page ORDER BY id LIMIT $2::int)
                SELECT json_build_object('items', coalesce((SELECT json_agg(i ORDER BY i.id) FROM items i), '[]'),
                                         'nextCursor', CASE WHEN (SELECT count(*) FROM page) > $2::int
                                           THEN rtrim(translate(encode(convert_to((SELECT id FROM items ORDER BY id DESC LIMIT 1)::text, 'UTF8'), 'base64'), '+/', '-_'), '=') END)::text`;
  const { rows } = await pool.query({ name: `floor_page_${!!status}${!!departmentCode}${!!cursor}`, text, values: params, rowMode: 'array' });
  return reply.type('application/json; charset=utf-8').send(rows[0][0]);
});

// A workflow transition (submit), as the service does it in one transaction: read the dossier,
// check its status, move it if it is still where it was read (status and version), write the
// event and the audit row (the sealer chains it later), answer the dossier.
const uuid7 = () => {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
app.post('/api/v1/applications/:id/submit', async (req, reply) => {
  const receivedOn = req.body?.receivedOn ?? parisToday();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query({ name: 'submit_read', text: `${SELECT} WHERE a.id = $1 AND a.region_code = '84'`, values: [req.params.id] });
    const app = rows[0];
    if (!app || app.status !== 'SITE_MEETING_HELD' || app.procedure !== 'ACCOMPANIMENT') {
      await client.query('ROLLBACK');
      return reply.code(app ? 409 : 404).send({ status: app ? 409 : 404 });
    }
    const { rows: moved } = await client.query({
      name: 'submit_move',
      text: `UPDATE applications SET status = 'SUBMITTED', request_received_on = $4::date, version = version + 1, last_event_at = now(), updated_at = now()
             WHERE id = $1 AND status = $2::"ApplicationStatus" AND version = $3
             RETURNING version, last_event_at AS "lastEventAt", updated_at AS "updatedAt", request_received_on AS "requestReceivedOn"`,
      values: [app.id, app.status, app.version, receivedOn],
    });
    if (!moved.length) {
      await client.query('ROLLBACK');
      return reply.code(409).send({ status: 409 });
    }
    await client.query({
      name: 'submit_event',
      text: `INSERT INTO application_events (id, application_id, actor_id, actor_kind, type, from_status, to_status, reason, data)
             VALUES ($1, $2, $3, 'USER', 'SUBMITTED', $4::"ApplicationStatus", 'SUBMITTED', NULL, $5)`,
      values: [uuid7(), app.id, principal.id, app.status, { receivedOn }],
    });
    await client.query({
      name: 'submit_audit',
      text: `INSERT INTO audit_log (at, actor_id, actor_kind, region_code, action, entity, entity_id, request_id, before, after)
             VALUES (now(), $1, 'USER', $2, 'application.submit', 'application', $3, $4, $5, $6)`,
      values: [principal.id, app.regionCode, app.id, req.id, { status: app.status, version: app.version }, { event: 'SUBMITTED', status: 'SUBMITTED', version: moved[0].version }],
    });
    await client.query('COMMIT');
    return dto({ ...app, ...moved[0], status: 'SUBMITTED' });
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
});

const secret = randomBytes(32);
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
app.post('/api/v1/auth/login', async (req, reply) => {
  const { email, password } = req.body ?? {};
  const { rows } = await pool.query('SELECT id, password_hash FROM users WHERE email = $1 AND active', [String(email).toLowerCase()]);
  if (!rows.length || !(await argon2.verify(rows[0].password_hash, String(password)))) return reply.code(401).send({ status: 401 });
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: rows[0].id, kind: 'USER', iat: now, exp: now + 900 })}`;
  const refreshToken = randomBytes(32).toString('base64url');
  await pool.query(
    `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES (gen_random_uuid(), $1, gen_random_uuid(), $2, now() + interval '30 days')`,
    [rows[0].id, createHash('sha256').update(refreshToken).digest('hex')],
  );
  return { accessToken: `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`, refreshToken, expiresIn: 900 };
});

await app.listen({ port: Number(process.env.PORT ?? 3102), host: '127.0.0.1' });
process.stdout.write('baseline ready\n');
process.once('SIGTERM', () =>
  app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0)),
);
