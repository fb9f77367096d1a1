// Rule 3 支部进楼宇: buildings where more than $threshold members live and no building branch COVERS them, within $communities (null = all) and grid $grid_id (null = any). Returns id, name, street_id, community_id, community_name, grid_id, building_kind, lat, lon, resident_members.
MATCH (m:Member)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building)
WHERE ($communities IS NULL OR b.community_id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
WITH b, count(m) AS resident_members
WHERE resident_members > $threshold AND size([(b)<-[:COVERS]-(o:PartyOrg) WHERE o.domain = 'building' | 1]) = 0
MATCH (b)-[:IN]->(c:Community)
RETURN b.id AS id, b.name AS name, c.street_id AS street_id, c.id AS community_id, c.name AS community_name,
  b.resident_group_id AS grid_id, b.kind AS building_kind, b.lat AS lat, b.lon AS lon, resident_members
ORDER BY id
