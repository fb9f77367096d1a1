// Rule 2 党小组联幢: residential and mixed buildings no Party group (nor building branch) COVERS, within $communities (null = all) and grid $grid_id (null = any). Returns id, name, street_id, community_id, community_name, grid_id, building_kind, lat, lon, households, resident_members.
MATCH (c:Community)<-[:IN]-(b:Building)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND b.kind IN ['residential', 'mixed']
  AND size([(b)<-[:COVERS]-(o:PartyOrg) WHERE o.level = 'group' OR o.domain = 'building' | 1]) = 0
RETURN b.id AS id, b.name AS name, c.street_id AS street_id, c.id AS community_id, c.name AS community_name,
  b.resident_group_id AS grid_id, b.kind AS building_kind, b.lat AS lat, b.lon AS lon,
  size([(b)<-[:IN]-(:Household) | 1]) AS households,
  size([(b)<-[:IN]-(:Household)<-[:LIVES_IN]-(:Member) | 1]) AS resident_members
ORDER BY id
