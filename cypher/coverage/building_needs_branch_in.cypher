// Rule 3 支部进楼宇 for given communities (building_needs_branch's rows, found from their buildings first, not by scanning every member): buildings where more than $threshold members live and no building branch COVERS them, within $communities (a list, not null) and grid $grid_id (null = any). Returns id, name, street_id, community_id, community_name, grid_id, building_kind, lat, lon, resident_members.
MATCH (b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)
WHERE b.community_id IN $communities AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
WITH b, count(m) AS resident_members
WHERE resident_members > $threshold AND size([(b)<-[:COVERS]-(o:PartyOrg) WHERE o.domain = 'building' | 1]) = 0
MATCH (b)-[:IN]->(c:Community)
RETURN b.id AS id, b.name AS name, c.street_id AS street_id, c.id AS community_id, c.name AS community_name,
  b.resident_group_id AS grid_id, b.kind AS building_kind, b.lat AS lat, b.lon AS lon, resident_members
ORDER BY id
