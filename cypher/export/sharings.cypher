// Within scope $communities (null = all), every SHARED_WITH relationship as a Ledger v1 row: returns row {resource_id, community_id, since, ended_at}.
MATCH (r:Resource)-[s:SHARED_WITH]->(c:Community)
WHERE $communities IS NULL OR c.id IN $communities
RETURN {resource_id: r.id, community_id: c.id, since: s.since, ended_at: s.ended_at} AS row
ORDER BY r.id, c.id
