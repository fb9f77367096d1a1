// Members living in $communities (null = all), the candidates to link households, found from the members (a district's or a city's: 154k members, not 2 M households), one row per community (the driver spends ~20 µs on each row it hands over: 2.5 s for a city's 123k). Returns community_id, members: per member [id, name, category, grid_id, building_id, links (households they link now)]; in no order.
MATCH (m:Member)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building)
WHERE $communities IS NULL OR b.community_id IN $communities
RETURN b.community_id AS community_id,
  collect([m.id, m.name, m.category, b.resident_group_id, b.id, COUNT { (m)-[:LINKS]->(:Household) }]) AS members
