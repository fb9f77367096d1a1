// Rule 4 党员联户 for given communities (member_overloaded's rows, found from the communities first, not by scanning every member): members who LINK more than $cap households, counted where they live, else where their organisation serves; within $communities (a list, not null) and grid $grid_id (null = any). Returns id, name, street_id, community_id, community_name, grid_id, links, category, org_id.
CALL () {
  MATCH (b:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(m:Member)
  WHERE b.community_id IN $communities AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
  RETURN m, b
  UNION
  MATCH (o:PartyOrg)<-[:MEMBER_OF]-(m:Member)
  WHERE o.community_id IN $communities AND $grid_id IS NULL
    AND NOT (m)-[:LIVES_IN]->(:Household)-[:IN]->(:Building)
  RETURN m, null AS b
}
WITH m, b, size([(m)-[:LINKS]->(:Household) | 1]) AS links
WHERE links > $cap
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:PartyOrg)
WITH m, links, b, o, coalesce(b.community_id, o.community_id) AS cid
OPTIONAL MATCH (c:Community {id: cid})
RETURN m.id AS id, m.name AS name, c.street_id AS street_id, cid AS community_id, c.name AS community_name,
  b.resident_group_id AS grid_id, links, m.category AS category, o.id AS org_id
ORDER BY id
