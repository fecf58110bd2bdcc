-- CreateEnum
CREATE TYPE "DocumentKind" AS ENUM ('REQUEST', 'LETTER_OF_INTENT', 'PROJET_DE_SANTE', 'ENGAGEMENT_CONFORMITE', 'REGLEMENT_FONCTIONNEMENT', 'FINANCING_PLAN', 'COORDINATION_DELIVERABLE', 'CONVENTION', 'RECOVERY_PLAN', 'RECEIPT', 'DECISION_LETTER', 'OTHER');

-- CreateEnum
CREATE TYPE "StorageKind" AS ENUM ('POSTGRES', 'S3');

-- CreateTable
CREATE TABLE "application_documents" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "series_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" "DocumentKind" NOT NULL,
    "label" VARCHAR(200),
    "filename" VARCHAR(255) NOT NULL,
    "media_type" VARCHAR(100) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "storage" "StorageKind" NOT NULL,
    "storage_key" UUID NOT NULL,
    "uploaded_by_id" UUID,
    "uploaded_by_kind" "ActorKind" NOT NULL,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "superseded_at" TIMESTAMPTZ(3),
    "withdrawn_at" TIMESTAMPTZ(3),
    "withdrawn_by_id" UUID,
    "withdrawn_reason" TEXT,

    CONSTRAINT "application_documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_chunks" (
    "key" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "document_chunks_pkey" PRIMARY KEY ("key","seq")
);

-- CreateTable
CREATE TABLE "document_uploads" (
    "key" UUID NOT NULL,
    "storage" "StorageKind" NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "document_uploads_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "application_notes" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "text" VARCHAR(2000) NOT NULL,
    "author_id" UUID,
    "author_kind" "ActorKind" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "application_notes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "application_documents_storage_key_key" ON "application_documents"("storage_key");

-- CreateIndex
CREATE INDEX "application_documents_application_id_kind_idx" ON "application_documents"("application_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "application_documents_series_id_version_key" ON "application_documents"("series_id", "version");

-- CreateIndex
CREATE INDEX "document_uploads_started_at_idx" ON "document_uploads"("started_at");

-- CreateIndex
CREATE INDEX "application_notes_application_id_id_idx" ON "application_notes"("application_id", "id");

-- AddForeignKey
ALTER TABLE "application_documents" ADD CONSTRAINT "application_documents_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_notes" ADD CONSTRAINT "application_notes_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- One current version per pièce: a replacement supersedes the one before, in the same transaction.
CREATE UNIQUE INDEX "application_documents_current_key" ON "application_documents"("series_id") WHERE "superseded_at" IS NULL;

-- The bytes are PDF, images and office files, compressed already: stored out of line, uncompressed.
ALTER TABLE "document_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;

-- A pièce is kept: withdrawn or superseded, never deleted.
CREATE FUNCTION application_documents_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a pièce of a dossier is never deleted (withdraw it)' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER application_documents_kept BEFORE DELETE ON "application_documents" FOR EACH ROW EXECUTE FUNCTION application_documents_kept();
