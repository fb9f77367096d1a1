// Stores a new API key (only the token's hash). $key: {id, name, role, scope_id, hash, created_at, created_by}. Returns id.
CREATE (k:ApiKey)
SET k = $key
RETURN k.id AS id
