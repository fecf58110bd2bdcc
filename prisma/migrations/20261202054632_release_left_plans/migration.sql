-- A separate migration: a new enum value cannot be used in the transaction that adds it.
-- Plans of dossiers that left the procedure are released, as the service now does.
UPDATE funding_plans fp SET status = 'RELEASED', released_at = now(), version = fp.version + 1
  FROM applications a
 WHERE a.id = fp.application_id AND fp.status = 'COMMITTED' AND a.status IN ('WITHDRAWN', 'CLOSED');
