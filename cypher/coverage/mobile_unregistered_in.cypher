// Rule 7 流动不流失 for given communities (mobile_unregistered's rows, found from the communities first, not by scanning every member): mobile members with no REGISTERED_AT {kind: 'mobile'}, counted where they live, else where their organisation serves; within $communities (a list, not null) and grid $grid_id (null = any). Returns id, name, street_id, community_id, community_name, grid_id, org_id, org_name.
CALL () {
  MATCH (b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)
  WHERE b.community_id IN $communities AND m.category = 'mobile'
  RETURN m
  UNION
  MATCH (o:PartyOrg)<-[:MEMBER_OF]-(m:Member)
  WHERE o.community_id IN $communities AND m.category = 'mobile'
  RETURN m
}
WITH m
WHERE size([(m)-[r:REGISTERED_AT]->(:PartyOrg) WHERE r.kind = 'mobile' | 1]) = 0
OPTIONAL MATCH (m)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building)
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:PartyOrg)
WITH m, b, o, coalesce(b.community_id, o.community_id) AS cid
WHERE cid IN $communities AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
OPTIONAL MATCH (c:Community {id: cid})
RETURN m.id AS id, m.name AS name, c.street_id AS street_id, cid AS community_id, c.name AS community_name,
  b.resident_group_id AS grid_id, o.id AS org_id, o.name AS org_name
ORDER BY id
