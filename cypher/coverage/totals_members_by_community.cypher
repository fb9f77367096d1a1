// Coverage summary denominators over members (where they live, else where their organisation serves), per community, within $communities (null = all; members placed in no community are not counted) and grid $grid_id (null = any): returns community_id, members, linking_members, mobile_members, unit_members_living_here — totals_members one row per community.
MATCH (m:Member)
OPTIONAL MATCH (m)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building)
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:PartyOrg)
WITH m, b, o, coalesce(b.community_id, o.community_id) AS cid
WHERE cid IS NOT NULL AND ($communities IS NULL OR cid IN $communities) AND ($grid_id IS NULL OR b.resident_group_id = $grid_id)
RETURN cid AS community_id, count(m) AS members,
  sum(CASE WHEN size([(m)-[:LINKS]->(:Household) | 1]) > 0 THEN 1 ELSE 0 END) AS linking_members,
  sum(CASE WHEN m.category = 'mobile' THEN 1 ELSE 0 END) AS mobile_members,
  sum(CASE WHEN m.employment = 'employed' AND o.unit_id IS NOT NULL AND b IS NOT NULL THEN 1 ELSE 0 END) AS unit_members_living_here
ORDER BY community_id
