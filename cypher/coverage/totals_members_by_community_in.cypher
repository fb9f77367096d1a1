// totals_members_by_community found from the communities first, not by scanning every member: coverage summary denominators over members (where they live, else where their organisation serves), per community, for the communities $communities (a list, not null) and grid $grid_id (null = any): returns community_id, members, linking_members, mobile_members, unit_members_living_here — totals_members one row per community.
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
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:PartyOrg)
WITH m, b, o, coalesce(b.community_id, o.community_id) AS cid
WHERE cid IN $communities
RETURN cid AS community_id, count(m) AS members,
  sum(CASE WHEN size([(m)-[:LINKS]->(:Household) | 1]) > 0 THEN 1 ELSE 0 END) AS linking_members,
  sum(CASE WHEN m.category = 'mobile' THEN 1 ELSE 0 END) AS mobile_members,
  sum(CASE WHEN m.employment = 'employed' AND o.unit_id IS NOT NULL AND b IS NOT NULL THEN 1 ELSE 0 END) AS unit_members_living_here
ORDER BY community_id
