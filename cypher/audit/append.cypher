// Appends one audit entry. $entry: {id, at, actor, role, action, target, source, detail}. Returns id.
CREATE (a:AuditEntry)
SET a = $entry
RETURN a.id AS id
