// Revokes the active key $id, stamping $at and $by: returns id (no row if unknown or already revoked).
MATCH (k:ApiKey {id: $id})
WHERE k.revoked_at IS NULL
SET k.revoked_at = $at, k.revoked_by = $by
RETURN k.id AS id
