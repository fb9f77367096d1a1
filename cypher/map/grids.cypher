// Resident groups (网格) of the communities $communities (null = all) for the map: returns id, name, community_id, boundary (GeoJSON text or null).
MATCH (g:ResidentGroup)-[:IN]->(c:Community)
WHERE $communities IS NULL OR c.id IN $communities
RETURN g.id AS id, g.name AS name, c.id AS community_id, g.boundary AS boundary
ORDER BY id
