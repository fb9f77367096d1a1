// Resident groups (网格) of the communities $communities (null = all): returns id, name, community_id.
MATCH (g:ResidentGroup)-[:IN]->(c:Community)
WHERE $communities IS NULL OR c.id IN $communities
RETURN g.id AS id, g.name AS name, c.id AS community_id
ORDER BY id
