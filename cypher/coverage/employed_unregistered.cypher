// Rule 8 双重管理: employed members whose membership is in a unit's organisation, living in a community where no organisation has their REGISTERED_AT {kind: 'dual'}; within $communities (null = all) and grid $grid_id (null = any). Returns id, name, street_id, community_id, community_name, grid_id, org_id, org_name, unit_id.
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)-[:MEMBER_OF]->(o:PartyOrg)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND m.employment = 'employed' AND o.unit_id IS NOT NULL
  AND size([(m)-[r:REGISTERED_AT]->(x:PartyOrg) WHERE r.kind = 'dual' AND x.community_id = c.id | 1]) = 0
RETURN m.id AS id, m.name AS name, c.street_id AS street_id, c.id AS community_id, c.name AS community_name,
  b.resident_group_id AS grid_id, o.id AS org_id, o.name AS org_name, o.unit_id AS unit_id
ORDER BY id
