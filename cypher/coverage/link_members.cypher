// Members living in $communities (null = all), the candidates to link households, found from the members (a district's or a city's: 154k members, not 2 M households): returns id, name, category, community_id, grid_id, building_id, links (households they link now); in no order (the engine sorted a city's 123k rows in 2 s).
MATCH (m:Member)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building)
WHERE $communities IS NULL OR b.community_id IN $communities
RETURN m.id AS id, m.name AS name, m.category AS category, b.community_id AS community_id, b.resident_group_id AS grid_id,
  b.id AS building_id, COUNT { (m)-[:LINKS]->(:Household) } AS links
