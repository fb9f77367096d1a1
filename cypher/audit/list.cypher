// Audit entries, newest first, optionally of one $action (null = all), paged by $skip/$limit: returns each entry's properties.
MATCH (a:AuditEntry)
WHERE $action IS NULL OR a.action = $action
RETURN properties(a) AS entry
ORDER BY a.at DESC, a.id DESC
SKIP $skip LIMIT $limit
