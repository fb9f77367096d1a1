// building_residents for given communities, found from their buildings first (a street never scans a city's members): buildings where at least $min_members members live, within $communities (a list, not null) and grid $grid_id (null = any). Returns id, name, community_id, grid_id, lat, lon, resident_members, has_branch (a building branch COVERS it).
MATCH (b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)
WHERE b.community_id IN $communities AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
WITH b, count(m) AS resident_members
WHERE resident_members >= $min_members
RETURN b.id AS id, b.name AS name, b.community_id AS community_id, b.resident_group_id AS grid_id, b.lat AS lat,
  b.lon AS lon, resident_members,
  size([(b)<-[:COVERS]-(o:PartyOrg) WHERE o.domain = 'building' | 1]) > 0 AS has_branch
ORDER BY id
