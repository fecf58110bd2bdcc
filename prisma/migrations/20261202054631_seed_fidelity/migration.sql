-- CreateEnum
CREATE TYPE "ProjectNature" AS ENUM ('CREATION', 'EXTENSION', 'SECONDARY_SITE', 'BECOMING_POLYVALENT');

-- CreateEnum
CREATE TYPE "Procedure" AS ENUM ('ACCOMPANIMENT', 'AUDIT');

-- CreateEnum
CREATE TYPE "ExpenseNature" AS ENUM ('LAND', 'WORKS', 'VRD', 'FEES_STUDIES', 'FURNITURE', 'MEDICAL_EQUIPMENT', 'IT_FIRST_PURCHASE', 'OTHER');

-- CreateEnum
CREATE TYPE "DetrDecision" AS ENUM ('CONFIRMED', 'REFUSED');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ApplicationStatus" ADD VALUE 'AUDIT_IN_PROGRESS';
ALTER TYPE "ApplicationStatus" ADD VALUE 'AUDIT_DELIVERED';

-- AlterEnum
ALTER TYPE "FundingPlanStatus" ADD VALUE 'RELEASED';

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "antenne_hours_per_week" INTEGER,
ADD COLUMN     "antenne_minutes_from_main_site" INTEGER,
ADD COLUMN     "antenne_shares_information_system" BOOLEAN,
ADD COLUMN     "nature" "ProjectNature" NOT NULL DEFAULT 'CREATION',
ADD COLUMN     "operation_start_on" DATE,
ADD COLUMN     "sisa" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "audit_plan_delivered_on" DATE,
ADD COLUMN     "audit_plan_summary" TEXT,
ADD COLUMN     "detr_decided_at" TIMESTAMPTZ(3),
ADD COLUMN     "detr_decided_by_id" UUID,
ADD COLUMN     "detr_decision" "DetrDecision",
ADD COLUMN     "detr_reason" TEXT,
ADD COLUMN     "letter_of_intent_requested" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "procedure" "Procedure" NOT NULL DEFAULT 'ACCOMPANIMENT',
ADD COLUMN     "request_received_on" DATE;

-- AlterTable
ALTER TABLE "expenses" ADD COLUMN     "nature" "ExpenseNature" NOT NULL DEFAULT 'OTHER',
ADD COLUMN     "vat_cents" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "funding_rule_sets" ADD COLUMN     "ceiling_legal_basis" TEXT;

-- AlterTable
ALTER TABLE "funding_plans" ADD COLUMN     "released_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "envelopes" ADD COLUMN     "department_code" VARCHAR(3);

-- CreateTable
CREATE TABLE "project_follow_ups" (
    "project_id" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "installations" INTEGER NOT NULL,
    "student_trainees" INTEGER NOT NULL,
    "departures_replaced" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "project_follow_ups_pkey" PRIMARY KEY ("project_id","year")
);

-- CreateTable
CREATE TABLE "application_attestations" (
    "application_id" UUID NOT NULL,
    "code" VARCHAR(100) NOT NULL,
    "note" TEXT,
    "attested_by_id" UUID,
    "attested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "application_attestations_pkey" PRIMARY KEY ("application_id","code")
);

-- AddForeignKey
ALTER TABLE "project_follow_ups" ADD CONSTRAINT "project_follow_ups_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_attestations" ADD CONSTRAINT "application_attestations_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------- written by hand

-- One open envelope per (funder, region, département): DETR and DEPARTEMENT envelopes belong
-- to a département, the others to the region (département NULL).
DROP INDEX "envelopes_one_open_per_funder_region";
CREATE UNIQUE INDEX "envelopes_one_open_per_funder_region_department"
  ON "envelopes" ("funder", "region_code", (coalesce("department_code", ''))) WHERE "status" = 'OPEN';

-- A dossier follows its project (DOMAIN.md §8): its région, département, kind and zone are
-- the project's and its commune's, whichever write path moves the project or rezones the
-- commune. The copies exist so that scope and filters read one table; these triggers keep
-- them true, and bump the dossier's version (its representation changed).
CREATE FUNCTION applications_follow_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE applications a
     SET region_code = NEW.region_code, department_code = NEW.department_code, kind = NEW.kind,
         zone = c.zone, version = a.version + 1, updated_at = now()
    FROM communes c
   WHERE a.project_id = NEW.id AND c.insee_code = NEW.commune_insee
     AND (a.region_code, a.department_code, a.kind, a.zone) IS DISTINCT FROM (NEW.region_code, NEW.department_code, NEW.kind, c.zone);
  RETURN NULL;
END $$;
CREATE TRIGGER applications_follow_project AFTER UPDATE OF commune_insee, region_code, department_code, kind ON projects
  FOR EACH ROW EXECUTE FUNCTION applications_follow_project();

CREATE FUNCTION applications_follow_zoning() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE applications a
     SET zone = NEW.zone, version = a.version + 1, updated_at = now()
    FROM projects p
   WHERE p.id = a.project_id AND p.commune_insee = NEW.insee_code AND a.zone IS DISTINCT FROM NEW.zone;
  RETURN NULL;
END $$;
CREATE TRIGGER applications_follow_zoning AFTER UPDATE OF zone ON communes
  FOR EACH ROW WHEN (OLD.zone IS DISTINCT FROM NEW.zone) EXECUTE FUNCTION applications_follow_zoning();

-- Dossiers left behind before this migration catch up with their projects.
UPDATE applications a
   SET region_code = p.region_code, department_code = p.department_code, kind = p.kind, zone = c.zone,
       version = a.version + 1, updated_at = now()
  FROM projects p JOIN communes c ON c.insee_code = p.commune_insee
 WHERE p.id = a.project_id
   AND (a.region_code, a.department_code, a.kind, a.zone) IS DISTINCT FROM (p.region_code, p.department_code, p.kind, c.zone);
