// Members living in $communities (null = all) who may help a household (一帮一): mobile members and members in hardship left out. Returns id, name, community_id, grid_id, building_id, building_name, lat, lon, helps (households they HELP now).
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)
WHERE ($communities IS NULL OR c.id IN $communities) AND NOT m.category IN ['mobile', 'hardship']
RETURN m.id AS id, m.name AS name, c.id AS community_id, b.resident_group_id AS grid_id, b.id AS building_id,
  b.name AS building_name, b.lat AS lat, b.lon AS lon, size([(m)-[:HELPS]->(:Household) | 1]) AS helps
ORDER BY id
