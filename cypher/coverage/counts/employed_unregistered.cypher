// Rule 8 双重管理, counted: employed members whose membership is in a unit's organisation, living in a community where no organisation has their REGISTERED_AT {kind: 'dual'}, per community, within $communities (null = all) and grid $grid_id (null = any). Returns community_id, count (only communities with a gap; no order).
MATCH (c:Community)<-[:IN]-(b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)-[:MEMBER_OF]->(o:PartyOrg)
WHERE ($communities IS NULL OR c.id IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  AND m.employment = 'employed' AND o.unit_id IS NOT NULL
  AND size([(m)-[r:REGISTERED_AT]->(x:PartyOrg) WHERE r.kind = 'dual' AND x.community_id = c.id | 1]) = 0
RETURN c.id AS community_id, count(m) AS count
