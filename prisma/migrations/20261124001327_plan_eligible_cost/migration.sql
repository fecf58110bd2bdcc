-- AlterTable
ALTER TABLE "funding_plans" ADD COLUMN     "eligible_cost_cents" BIGINT NOT NULL DEFAULT 0;
