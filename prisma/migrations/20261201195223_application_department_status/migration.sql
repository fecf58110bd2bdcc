-- CreateIndex
CREATE INDEX "applications_region_code_department_code_status_id_idx" ON "applications"("region_code", "department_code", "status", "id");
