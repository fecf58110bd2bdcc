-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrganizationType" AS ENUM ('ARS', 'REGION', 'PREFECTURE_REGION', 'PREFECTURE_DEPARTEMENT', 'CONSEIL_DEPARTEMENTAL', 'CPAM');

-- CreateEnum
CREATE TYPE "Funder" AS ENUM ('REGION', 'ARS', 'DETR', 'DSIL', 'FNADT', 'DEPARTEMENT');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER', 'AUDITOR', 'REPORTING');

-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('USER', 'API_KEY', 'SYSTEM');

-- CreateEnum
CREATE TYPE "Zone" AS ENUM ('ZIP', 'ZAC', 'NONE');

-- CreateEnum
CREATE TYPE "CommuneSource" AS ENUM ('OFFICIAL', 'MANUAL');

-- CreateEnum
CREATE TYPE "LegalType" AS ENUM ('COMMUNE', 'EPCI', 'ASSOCIATION', 'MUTUELLE', 'PUBLIC_HEALTH_ESTABLISHMENT', 'PRIVATE_NONPROFIT_HEALTH_ESTABLISHMENT', 'SCIC', 'SISA', 'OTHER');

-- CreateEnum
CREATE TYPE "ProjectKind" AS ENUM ('MSP', 'CDS_MEDICAL', 'CDS_POLYVALENT', 'CDS_DENTAIRE', 'CDS_INFIRMIER', 'PSP', 'ANTENNE');

-- CreateEnum
CREATE TYPE "Convention" AS ENUM ('NONE', 'ACCORD_NATIONAL', 'ACI');

-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('DRAFT', 'SITE_MEETING_HELD', 'SUBMITTED', 'CARPEC_REVIEW', 'AWAITING_DECISION', 'REJECTED', 'STEP2_IN_PROGRESS', 'DELIVERABLES_RECEIVED', 'RECEIPT_ISSUED', 'STEP3_IN_PROGRESS', 'COMPLETED', 'WITHDRAWN', 'CLOSED');

-- CreateEnum
CREATE TYPE "AgendaPurpose" AS ENUM ('OPINION', 'INFORMATION');

-- CreateEnum
CREATE TYPE "OpinionOutcome" AS ENUM ('FAVORABLE', 'FAVORABLE_WITH_RESERVATIONS', 'UNFAVORABLE', 'NOTED');

-- CreateEnum
CREATE TYPE "DecisionOutcome" AS ENUM ('APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "ExpenseCategory" AS ENUM ('IMMOBILIER', 'EQUIPEMENT', 'SI_PARTAGE', 'INGENIERIE', 'FONCTIONNEMENT');

-- CreateEnum
CREATE TYPE "FundingPlanStatus" AS ENUM ('COMPUTED', 'COMMITTED');

-- CreateEnum
CREATE TYPE "BoundBy" AS ENUM ('CAP', 'PUBLIC_CEILING', 'INELIGIBLE');

-- CreateEnum
CREATE TYPE "EnvelopeStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "MovementKind" AS ENUM ('COMMITMENT', 'RELEASE', 'ADJUSTMENT');

-- CreateEnum
CREATE TYPE "PaymentKind" AS ENUM ('ADVANCE', 'INSTALMENT', 'BALANCE');

-- CreateEnum
CREATE TYPE "ReportType" AS ENUM ('PIPELINE', 'FUNDING', 'DEADLINES', 'FOLLOW_UP');

-- CreateEnum
CREATE TYPE "ReportStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "IdempotencyState" AS ENUM ('IN_PROGRESS', 'COMPLETED');

-- CreateTable
CREATE TABLE "organizations" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" "OrganizationType" NOT NULL,
    "region_code" VARCHAR(3) NOT NULL,
    "department_code" VARCHAR(3),
    "funders" "Funder"[],
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "organization_id" UUID NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "last_login_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" VARCHAR(24) NOT NULL,
    "key_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "organization_id" UUID NOT NULL,
    "created_by_id" UUID,
    "expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refresh_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "family_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "replaced_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "communes" (
    "insee_code" VARCHAR(5) NOT NULL,
    "name" TEXT NOT NULL,
    "search_name" TEXT NOT NULL,
    "department_code" VARCHAR(3) NOT NULL,
    "region_code" VARCHAR(3) NOT NULL,
    "population" INTEGER NOT NULL,
    "zone" "Zone" NOT NULL DEFAULT 'NONE',
    "qpv" BOOLEAN NOT NULL DEFAULT false,
    "island" BOOLEAN NOT NULL DEFAULT false,
    "rural" BOOLEAN NOT NULL DEFAULT false,
    "rural_confirmed" BOOLEAN NOT NULL DEFAULT false,
    "source" "CommuneSource" NOT NULL DEFAULT 'MANUAL',
    "postal_codes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "siren" VARCHAR(9),
    "epci_siren" VARCHAR(9),
    "active" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "communes_pkey" PRIMARY KEY ("insee_code")
);

-- CreateTable
CREATE TABLE "epcis" (
    "siren" VARCHAR(9) NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "population" INTEGER NOT NULL,
    "member_count" INTEGER NOT NULL,
    "largest_member_population" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "epcis_pkey" PRIMARY KEY ("siren")
);

-- CreateTable
CREATE TABLE "reference_loads" (
    "region_code" VARCHAR(3) NOT NULL,
    "source" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reference_loads_pkey" PRIMARY KEY ("region_code")
);

-- CreateTable
CREATE TABLE "promoters" (
    "id" UUID NOT NULL,
    "region_code" VARCHAR(3) NOT NULL,
    "department_code" VARCHAR(3) NOT NULL,
    "name" TEXT NOT NULL,
    "siren" VARCHAR(9),
    "legal_type" "LegalType" NOT NULL,
    "commune_insee" VARCHAR(5) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "promoters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "projects" (
    "id" UUID NOT NULL,
    "region_code" VARCHAR(3) NOT NULL,
    "department_code" VARCHAR(3) NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ProjectKind" NOT NULL,
    "promoter_id" UUID NOT NULL,
    "commune_insee" VARCHAR(5) NOT NULL,
    "existing" BOOLEAN NOT NULL,
    "doctors_planned" INTEGER NOT NULL,
    "professionals_planned" INTEGER NOT NULL,
    "population_served" INTEGER NOT NULL,
    "balanced_budget" BOOLEAN NOT NULL,
    "convention" "Convention" NOT NULL DEFAULT 'NONE',
    "forecast_deficit_cents" BIGINT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "applications" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "region_code" VARCHAR(3) NOT NULL,
    "department_code" VARCHAR(3) NOT NULL,
    "kind" "ProjectKind" NOT NULL,
    "zone" "Zone" NOT NULL,
    "status" "ApplicationStatus" NOT NULL DEFAULT 'DRAFT',
    "eligible" BOOLEAN NOT NULL,
    "eligibility_reasons" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "assignee_id" UUID,
    "created_by_id" UUID,
    "site_meeting_held_on" DATE,
    "site_meeting_participants" TEXT,
    "site_meeting_findings" TEXT,
    "deliverables_received_on" DATE,
    "receipt_due_on" DATE,
    "completion_summary" TEXT,
    "closing_reason" TEXT,
    "last_event_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application_events" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_kind" "ActorKind" NOT NULL,
    "type" TEXT NOT NULL,
    "from_status" "ApplicationStatus",
    "to_status" "ApplicationStatus",
    "reason" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "application_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "carpec_sessions" (
    "id" UUID NOT NULL,
    "region_code" VARCHAR(3) NOT NULL,
    "session_date" DATE NOT NULL,
    "title" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "carpec_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "carpec_agenda_items" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "purpose" "AgendaPurpose" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "carpec_agenda_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "carpec_opinions" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "agenda_item_id" UUID NOT NULL,
    "outcome" "OpinionOutcome" NOT NULL,
    "reservations" TEXT,
    "recorded_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "carpec_opinions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "decisions" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "outcome" "DecisionOutcome" NOT NULL,
    "decided_on" DATE NOT NULL,
    "motivation" TEXT,
    "differs_from_opinion" BOOLEAN NOT NULL DEFAULT false,
    "decided_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "decisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "receipts" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "issued_on" DATE NOT NULL,
    "finess_ej" CHAR(9) NOT NULL,
    "finess_et" CHAR(9) NOT NULL,
    "late" BOOLEAN NOT NULL,
    "issued_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "receipts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "expenses" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "category" "ExpenseCategory" NOT NULL,
    "label" TEXT NOT NULL,
    "amount_cents" BIGINT NOT NULL,

    CONSTRAINT "expenses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "funding_rule_sets" (
    "id" UUID NOT NULL,
    "region_code" VARCHAR(3) NOT NULL,
    "name" TEXT NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "public_ceiling_bps" INTEGER NOT NULL,
    "funders" JSONB NOT NULL,
    "created_by_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "funding_rule_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "funding_plans" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "rule_set_id" UUID NOT NULL,
    "status" "FundingPlanStatus" NOT NULL DEFAULT 'COMPUTED',
    "total_cents" BIGINT NOT NULL,
    "public_ceiling_cents" BIGINT NOT NULL,
    "self_financing_cents" BIGINT NOT NULL,
    "requested_rates" JSONB NOT NULL DEFAULT '{}',
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "committed_at" TIMESTAMPTZ(3),
    "committed_by_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "funding_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "funding_plan_lines" (
    "id" UUID NOT NULL,
    "plan_id" UUID NOT NULL,
    "funder" "Funder" NOT NULL,
    "eligible" BOOLEAN NOT NULL,
    "reasons" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "base_cents" BIGINT NOT NULL,
    "requested_rate_bps" INTEGER,
    "applied_rate_bps" INTEGER NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "bound_by" "BoundBy",
    "committed_cents" BIGINT,
    "paid_cents" BIGINT NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "funding_plan_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL,
    "line_id" UUID NOT NULL,
    "kind" "PaymentKind" NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "paid_on" DATE NOT NULL,
    "recorded_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "envelopes" (
    "id" UUID NOT NULL,
    "funder" "Funder" NOT NULL,
    "region_code" VARCHAR(3) NOT NULL,
    "programme" TEXT NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "status" "EnvelopeStatus" NOT NULL DEFAULT 'OPEN',
    "closed_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "envelopes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "envelope_movements" (
    "id" UUID NOT NULL,
    "envelope_id" UUID NOT NULL,
    "kind" "MovementKind" NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "application_id" UUID,
    "plan_id" UUID,
    "note" TEXT,
    "actor_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "envelope_movements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_runs" (
    "id" UUID NOT NULL,
    "region_code" VARCHAR(3) NOT NULL,
    "type" "ReportType" NOT NULL,
    "date" DATE NOT NULL,
    "status" "ReportStatus" NOT NULL DEFAULT 'QUEUED',
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "row_count" INTEGER,
    "error" TEXT,
    "summary" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_rows" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "department_code" VARCHAR(3) NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "report_rows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "id" UUID NOT NULL,
    "principal" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "state" "IdempotencyState" NOT NULL DEFAULT 'IN_PROGRESS',
    "response_status" INTEGER,
    "response_headers" JSONB,
    "response_body" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_kind" "ActorKind" NOT NULL,
    "region_code" VARCHAR(3),
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "request_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "organizations_region_code_type_idx" ON "organizations"("region_code", "type");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "users_organization_id_idx" ON "users"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE INDEX "api_keys_organization_id_idx" ON "api_keys"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "refresh_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens"("family_id");

-- CreateIndex
CREATE INDEX "refresh_tokens_user_id_idx" ON "refresh_tokens"("user_id");

-- CreateIndex
CREATE INDEX "communes_region_code_department_code_insee_code_idx" ON "communes"("region_code", "department_code", "insee_code");

-- CreateIndex
CREATE INDEX "communes_region_code_search_name_idx" ON "communes"("region_code", "search_name");

-- CreateIndex
CREATE INDEX "communes_epci_siren_idx" ON "communes"("epci_siren");

-- CreateIndex
CREATE INDEX "promoters_region_code_department_code_id_idx" ON "promoters"("region_code", "department_code", "id");

-- CreateIndex
CREATE INDEX "promoters_commune_insee_idx" ON "promoters"("commune_insee");

-- CreateIndex
CREATE INDEX "projects_region_code_department_code_id_idx" ON "projects"("region_code", "department_code", "id");

-- CreateIndex
CREATE INDEX "projects_promoter_id_idx" ON "projects"("promoter_id");

-- CreateIndex
CREATE INDEX "projects_commune_insee_idx" ON "projects"("commune_insee");

-- CreateIndex
CREATE INDEX "applications_region_code_status_id_idx" ON "applications"("region_code", "status", "id");

-- CreateIndex
CREATE INDEX "applications_region_code_department_code_id_idx" ON "applications"("region_code", "department_code", "id");

-- CreateIndex
CREATE INDEX "applications_region_code_updated_at_id_idx" ON "applications"("region_code", "updated_at", "id");

-- CreateIndex
CREATE INDEX "applications_region_code_zone_kind_id_idx" ON "applications"("region_code", "zone", "kind", "id");

-- CreateIndex
CREATE INDEX "applications_assignee_id_id_idx" ON "applications"("assignee_id", "id");

-- CreateIndex
CREATE INDEX "applications_project_id_idx" ON "applications"("project_id");

-- CreateIndex
CREATE INDEX "application_events_application_id_at_idx" ON "application_events"("application_id", "at");

-- CreateIndex
CREATE INDEX "carpec_sessions_region_code_session_date_idx" ON "carpec_sessions"("region_code", "session_date");

-- CreateIndex
CREATE INDEX "carpec_agenda_items_application_id_idx" ON "carpec_agenda_items"("application_id");

-- CreateIndex
CREATE UNIQUE INDEX "carpec_agenda_items_session_id_application_id_purpose_key" ON "carpec_agenda_items"("session_id", "application_id", "purpose");

-- CreateIndex
CREATE UNIQUE INDEX "carpec_opinions_agenda_item_id_key" ON "carpec_opinions"("agenda_item_id");

-- CreateIndex
CREATE INDEX "carpec_opinions_application_id_idx" ON "carpec_opinions"("application_id");

-- CreateIndex
CREATE INDEX "decisions_application_id_idx" ON "decisions"("application_id");

-- CreateIndex
CREATE UNIQUE INDEX "receipts_application_id_key" ON "receipts"("application_id");

-- CreateIndex
CREATE UNIQUE INDEX "expenses_application_id_position_key" ON "expenses"("application_id", "position");

-- CreateIndex
CREATE INDEX "funding_rule_sets_region_code_active_idx" ON "funding_rule_sets"("region_code", "active");

-- CreateIndex
CREATE UNIQUE INDEX "funding_plans_application_id_key" ON "funding_plans"("application_id");

-- CreateIndex
CREATE INDEX "funding_plans_rule_set_id_idx" ON "funding_plans"("rule_set_id");

-- CreateIndex
CREATE UNIQUE INDEX "funding_plan_lines_plan_id_funder_key" ON "funding_plan_lines"("plan_id", "funder");

-- CreateIndex
CREATE INDEX "payments_line_id_idx" ON "payments"("line_id");

-- CreateIndex
CREATE INDEX "envelopes_region_code_funder_idx" ON "envelopes"("region_code", "funder");

-- CreateIndex
CREATE INDEX "envelope_movements_envelope_id_created_at_idx" ON "envelope_movements"("envelope_id", "created_at");

-- CreateIndex
CREATE INDEX "envelope_movements_plan_id_idx" ON "envelope_movements"("plan_id");

-- CreateIndex
CREATE INDEX "report_runs_region_code_date_idx" ON "report_runs"("region_code", "date");

-- CreateIndex
CREATE UNIQUE INDEX "report_runs_region_code_type_date_key" ON "report_runs"("region_code", "type", "date");

-- CreateIndex
CREATE INDEX "report_rows_run_id_department_code_position_idx" ON "report_rows"("run_id", "department_code", "position");

-- CreateIndex
CREATE INDEX "idempotency_records_expires_at_idx" ON "idempotency_records"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_records_principal_route_key_key" ON "idempotency_records"("principal", "route", "key");

-- CreateIndex
CREATE INDEX "audit_log_region_code_entity_entity_id_id_idx" ON "audit_log"("region_code", "entity", "entity_id", "id");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "communes" ADD CONSTRAINT "communes_epci_siren_fkey" FOREIGN KEY ("epci_siren") REFERENCES "epcis"("siren") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promoters" ADD CONSTRAINT "promoters_commune_insee_fkey" FOREIGN KEY ("commune_insee") REFERENCES "communes"("insee_code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_promoter_id_fkey" FOREIGN KEY ("promoter_id") REFERENCES "promoters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_commune_insee_fkey" FOREIGN KEY ("commune_insee") REFERENCES "communes"("insee_code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_events" ADD CONSTRAINT "application_events_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "carpec_agenda_items" ADD CONSTRAINT "carpec_agenda_items_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "carpec_sessions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "carpec_agenda_items" ADD CONSTRAINT "carpec_agenda_items_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "carpec_opinions" ADD CONSTRAINT "carpec_opinions_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "carpec_sessions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "carpec_opinions" ADD CONSTRAINT "carpec_opinions_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "carpec_opinions" ADD CONSTRAINT "carpec_opinions_agenda_item_id_fkey" FOREIGN KEY ("agenda_item_id") REFERENCES "carpec_agenda_items"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "expenses" ADD CONSTRAINT "expenses_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "funding_plans" ADD CONSTRAINT "funding_plans_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "funding_plans" ADD CONSTRAINT "funding_plans_rule_set_id_fkey" FOREIGN KEY ("rule_set_id") REFERENCES "funding_rule_sets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "funding_plan_lines" ADD CONSTRAINT "funding_plan_lines_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "funding_plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_line_id_fkey" FOREIGN KEY ("line_id") REFERENCES "funding_plan_lines"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "envelope_movements" ADD CONSTRAINT "envelope_movements_envelope_id_fkey" FOREIGN KEY ("envelope_id") REFERENCES "envelopes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "envelope_movements" ADD CONSTRAINT "envelope_movements_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "funding_plans"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_rows" ADD CONSTRAINT "report_rows_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "report_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- ---------------------------------------------------------------------------
-- Written by hand (not expressible in schema.prisma).

-- Commune search: names are normalised by the service (lower case, no accents, hyphens as
-- spaces) into search_name; a trigram index serves `?q=` substring matches.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "communes_search_name_trgm_idx" ON "communes" USING gin ("search_name" gin_trgm_ops);

-- One active funding rule set per region; one open envelope per (funder, region).
CREATE UNIQUE INDEX "funding_rule_sets_one_active_per_region" ON "funding_rule_sets" ("region_code") WHERE "active";
CREATE UNIQUE INDEX "envelopes_one_open_per_funder_region" ON "envelopes" ("funder", "region_code") WHERE "status" = 'OPEN';

-- Money is never negative where it is an amount; rates are basis points.
ALTER TABLE "expenses" ADD CONSTRAINT "expenses_amount_nonnegative" CHECK ("amount_cents" >= 0);
ALTER TABLE "envelopes" ADD CONSTRAINT "envelopes_amount_nonnegative" CHECK ("amount_cents" >= 0);
ALTER TABLE "payments" ADD CONSTRAINT "payments_amount_positive" CHECK ("amount_cents" > 0);
ALTER TABLE "funding_plan_lines" ADD CONSTRAINT "funding_plan_lines_amounts_nonnegative"
  CHECK ("base_cents" >= 0 AND "amount_cents" >= 0 AND "paid_cents" >= 0
         AND ("committed_cents" IS NULL OR ("committed_cents" >= 0 AND "paid_cents" <= "committed_cents"))
         AND "applied_rate_bps" BETWEEN 0 AND 10000);
ALTER TABLE "funding_rule_sets" ADD CONSTRAINT "funding_rule_sets_ceiling_bps" CHECK ("public_ceiling_bps" BETWEEN 0 AND 10000);

-- The audit trail is append-only, enforced by the database itself.
CREATE FUNCTION "audit_log_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER "audit_log_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"();
