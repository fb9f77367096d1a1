// Buildings where at least $min_members members live, within $communities (null = all) and grid $grid_id (null = any): returns id, name, community_id, grid_id, lat, lon, resident_members, has_branch (a building branch COVERS it).
MATCH (m:Member)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building)
WHERE ($communities IS NULL OR b.community_id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
WITH b, count(m) AS resident_members
WHERE resident_members >= $min_members
RETURN b.id AS id, b.name AS name, b.community_id AS community_id, b.resident_group_id AS grid_id, b.lat AS lat,
  b.lon AS lon, resident_members,
  size([(b)<-[:COVERS]-(o:PartyOrg) WHERE o.domain = 'building' | 1]) > 0 AS has_branch
ORDER BY id
