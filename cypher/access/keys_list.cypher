// Every API key without its hash: returns id, name, role, scope_id, created_at, created_by, revoked_at, revoked_by.
MATCH (k:ApiKey)
RETURN k.id AS id, k.name AS name, k.role AS role, k.scope_id AS scope_id, k.created_at AS created_at,
  k.created_by AS created_by, k.revoked_at AS revoked_at, k.revoked_by AS revoked_by
ORDER BY k.created_at, k.id
