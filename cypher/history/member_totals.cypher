// Coverage denominators over members per community and grid (a member counts where they live, else where their organisation serves), within $communities (null = all). Returns community_id, grid_id (null: not living in a grid), linking_members, mobile_members, unit_members_living_here.
MATCH (m:Member)
OPTIONAL MATCH (m)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building)
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:PartyOrg)
WITH m, b, o, coalesce(b.community_id, o.community_id) AS cid
WHERE cid IS NOT NULL AND ($communities IS NULL OR cid IN $communities)
RETURN cid AS community_id, b.resident_group_id AS grid_id,
  sum(CASE WHEN size([(m)-[:LINKS]->(:Household) | 1]) > 0 THEN 1 ELSE 0 END) AS linking_members,
  sum(CASE WHEN m.category = 'mobile' THEN 1 ELSE 0 END) AS mobile_members,
  sum(CASE WHEN m.employment = 'employed' AND o.unit_id IS NOT NULL AND b IS NOT NULL THEN 1 ELSE 0 END) AS unit_members_living_here
ORDER BY community_id, grid_id
