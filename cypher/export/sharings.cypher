// Every SHARED_WITH relationship as a Ledger v1 row: returns row {resource_id, community_id, since}.
MATCH (r:Resource)-[s:SHARED_WITH]->(c:Community)
RETURN {resource_id: r.id, community_id: c.id, since: s.since} AS row
ORDER BY r.id, c.id
