// Members living in $communities (null = all), the candidates to link households: returns id, name, category, community_id, grid_id, building_id, links (households they link now).
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)
WHERE $communities IS NULL OR c.id IN $communities
RETURN m.id AS id, m.name AS name, m.category AS category, c.id AS community_id, b.resident_group_id AS grid_id,
  b.id AS building_id, size([(m)-[:LINKS]->(:Household) | 1]) AS links
ORDER BY id
