// The active key with token hash $hash: returns id, name, role, scope_id (no row if unknown or revoked).
MATCH (k:ApiKey {hash: $hash})
WHERE k.revoked_at IS NULL
RETURN k.id AS id, k.name AS name, k.role AS role, k.scope_id AS scope_id
