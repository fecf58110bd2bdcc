-- CreateEnum
CREATE TYPE "CallProcedure" AS ENUM ('STEP1', 'AUDIT');

-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "call_id" UUID;

-- CreateTable
CREATE TABLE "calls" (
    "id" UUID NOT NULL,
    "region_code" VARCHAR(3) NOT NULL,
    "department_codes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "title" TEXT NOT NULL,
    "opens_on" DATE NOT NULL,
    "closes_on" DATE NOT NULL,
    "procedure" "CallProcedure" NOT NULL,
    "ds_demarche_number" INTEGER,
    "ds_token_cipher" TEXT,
    "mapping" JSONB,
    "mapping_revision" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "calls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "calls_region_code_id_idx" ON "calls"("region_code", "id");

-- CreateIndex
CREATE INDEX "applications_call_id_id_idx" ON "applications"("call_id", "id");

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_call_id_fkey" FOREIGN KEY ("call_id") REFERENCES "calls"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A call closes on or after the day it opens.
ALTER TABLE "calls" ADD CONSTRAINT "calls_dates_check" CHECK ("opens_on" <= "closes_on");
