// Rule 4 党员联户: members who LINK more than $cap households. A member counts where they live, else where their organisation serves; within $communities (null = all) and grid $grid_id (null = any). Returns id, name, street_id, community_id, community_name, grid_id, links, category, org_id.
MATCH (m:Member)
WITH m, size([(m)-[:LINKS]->(:Household) | 1]) AS links
WHERE links > $cap
OPTIONAL MATCH (m)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building)
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:PartyOrg)
WITH m, links, b, o, coalesce(b.community_id, o.community_id) AS cid
WHERE ($communities IS NULL OR cid IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
OPTIONAL MATCH (c:Community {id: cid})
RETURN m.id AS id, m.name AS name, c.street_id AS street_id, cid AS community_id, c.name AS community_name,
  b.resident_group_id AS grid_id, links, m.category AS category, o.id AS org_id
ORDER BY id
