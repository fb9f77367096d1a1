// link_members found from the communities' buildings first (for a short list $communities, not null): members living in $communities, the candidates to link households: returns id, name, category, community_id, grid_id, building_id, links (households they link now); in no order (the engine sorted a city's 123k rows in 2 s).
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)
WHERE c.id IN $communities
RETURN m.id AS id, m.name AS name, m.category AS category, c.id AS community_id, b.resident_group_id AS grid_id,
  b.id AS building_id, COUNT { (m)-[:LINKS]->(:Household) } AS links
