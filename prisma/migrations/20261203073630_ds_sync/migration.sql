-- CreateEnum
CREATE TYPE "DsSyncStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "DsState" AS ENUM ('EN_CONSTRUCTION', 'EN_INSTRUCTION', 'ACCEPTE', 'REFUSE', 'SANS_SUITE');

-- AlterTable
ALTER TABLE "calls" ADD COLUMN     "ds_instructeur_id" TEXT,
ADD COLUMN     "ds_messages" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "ds_status_annotation_id" TEXT,
ADD COLUMN     "ds_synced_until" TIMESTAMPTZ(3),
ADD COLUMN     "mapping_defaults" JSONB;

-- CreateTable
CREATE TABLE "ds_syncs" (
    "id" UUID NOT NULL,
    "call_id" UUID NOT NULL,
    "status" "DsSyncStatus" NOT NULL DEFAULT 'QUEUED',
    "trigger" VARCHAR(10) NOT NULL,
    "full" BOOLEAN NOT NULL DEFAULT false,
    "requested_by_id" UUID,
    "since" TIMESTAMPTZ(3),
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "refused" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "files" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ds_syncs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ds_dossiers" (
    "application_id" UUID NOT NULL,
    "call_id" UUID NOT NULL,
    "ds_number" INTEGER NOT NULL,
    "ds_id" TEXT NOT NULL,
    "state" "DsState" NOT NULL,
    "url" TEXT NOT NULL,
    "ds_updated_at" TIMESTAMPTZ(3) NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL,
    "read_values" JSONB NOT NULL,
    "applied_values" JSONB NOT NULL,
    "files" JSONB NOT NULL DEFAULT '[]',
    "annotated_status" "ApplicationStatus",

    CONSTRAINT "ds_dossiers_pkey" PRIMARY KEY ("application_id")
);

-- CreateIndex
CREATE INDEX "ds_syncs_call_id_id_idx" ON "ds_syncs"("call_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "ds_dossiers_call_id_ds_number_key" ON "ds_dossiers"("call_id", "ds_number");

-- AddForeignKey
ALTER TABLE "ds_syncs" ADD CONSTRAINT "ds_syncs_call_id_fkey" FOREIGN KEY ("call_id") REFERENCES "calls"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ds_dossiers" ADD CONSTRAINT "ds_dossiers_call_id_fkey" FOREIGN KEY ("call_id") REFERENCES "calls"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ds_dossiers" ADD CONSTRAINT "ds_dossiers_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One sync of a call queued or running at a time: a second request answers the one under way.
CREATE UNIQUE INDEX "ds_syncs_one_active_per_call" ON "ds_syncs"("call_id") WHERE "status" IN ('QUEUED', 'RUNNING');
ALTER TABLE "ds_syncs" ADD CONSTRAINT "ds_syncs_trigger_check" CHECK ("trigger" IN ('MANUAL', 'SCHEDULED'));
ALTER TABLE "ds_syncs" ADD CONSTRAINT "ds_syncs_counts_check" CHECK ("created" >= 0 AND "updated" >= 0 AND "unchanged" >= 0 AND "requests" >= 0 AND "files" >= 0);
