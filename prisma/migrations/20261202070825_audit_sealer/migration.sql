-- The audit chain moves out of the writers' transactions (README "Audit"): writers only insert
-- their row with their transaction id, and a single sealer appends the chain to `audit_seals`.

-- The writer's top-level transaction id. Rows already written get 0 (no UPDATE: the table is
-- append-only); later inserts take their own transaction's id.
ALTER TABLE "audit_log" ADD COLUMN "txid" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "audit_log" ALTER COLUMN "txid" SET DEFAULT ((pg_current_xact_id())::text)::bigint;

-- CreateTable
CREATE TABLE "audit_seals" (
    "position" BIGSERIAL NOT NULL,
    "audit_id" BIGINT NOT NULL,
    "region_code" VARCHAR(3),
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "horizon" BIGINT NOT NULL,
    "sealed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_seals_pkey" PRIMARY KEY ("position")
);

-- The rows chained before the sealer keep their chain: their hashes become their seals, in
-- id order (the order they were chained in), so each region's chain goes on from its last hash.
INSERT INTO "audit_seals" ("audit_id", "region_code", "prev_hash", "hash", "horizon", "sealed_at")
SELECT "id", "region_code", "prev_hash", "hash", 0, "at" FROM "audit_log" ORDER BY "id";

ALTER TABLE "audit_log" DROP COLUMN "hash", DROP COLUMN "prev_hash";

-- CreateIndex
CREATE UNIQUE INDEX "audit_seals_audit_id_key" ON "audit_seals"("audit_id");

-- CreateIndex
CREATE INDEX "audit_seals_region_code_position_idx" ON "audit_seals"("region_code", "position");

-- CreateIndex
CREATE INDEX "audit_log_txid_idx" ON "audit_log"("txid");

-- AddForeignKey
ALTER TABLE "audit_seals" ADD CONSTRAINT "audit_seals_audit_id_fkey" FOREIGN KEY ("audit_id") REFERENCES "audit_log"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- The seals are append-only too, enforced by the database itself (same function, which now
-- names its table).
CREATE OR REPLACE FUNCTION "audit_log_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER "audit_seals_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_seals"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();
CREATE TRIGGER "audit_seals_no_truncate" BEFORE TRUNCATE ON "audit_seals"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"();
