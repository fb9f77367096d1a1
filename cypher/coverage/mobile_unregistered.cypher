// Rule 7 流动不流失: mobile members with no REGISTERED_AT {kind: 'mobile'}. A member counts where they live, else where their organisation serves; within $communities (null = all) and grid $grid_id (null = any). Returns id, name, street_id, community_id, community_name, grid_id, org_id, org_name.
MATCH (m:Member)
WHERE m.category = 'mobile' AND size([(m)-[r:REGISTERED_AT]->(:PartyOrg) WHERE r.kind = 'mobile' | 1]) = 0
OPTIONAL MATCH (m)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building)
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:PartyOrg)
WITH m, b, o, coalesce(b.community_id, o.community_id) AS cid
WHERE ($communities IS NULL OR cid IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
OPTIONAL MATCH (c:Community {id: cid})
RETURN m.id AS id, m.name AS name, c.street_id AS street_id, cid AS community_id, c.name AS community_name,
  b.resident_group_id AS grid_id, o.id AS org_id, o.name AS org_name
ORDER BY id
