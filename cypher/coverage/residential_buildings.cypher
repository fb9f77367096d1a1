// Residential and mixed buildings within $communities (null = all) and grid $grid_id (null = any), the demand of the 15-minute service circle: returns id, name, street_id, community_id, community_name, grid_id, lat, lon, households.
MATCH (c:Community)<-[:IN]-(b:Building)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND b.kind IN ['residential', 'mixed']
RETURN b.id AS id, b.name AS name, c.street_id AS street_id, c.id AS community_id, c.name AS community_name,
  b.resident_group_id AS grid_id, b.lat AS lat, b.lon AS lon, size([(b)<-[:IN]-(:Household) | 1]) AS households
ORDER BY id
