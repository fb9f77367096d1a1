// The summary's part of the members placed in no community (neither where they live nor where their organisation serves): returns members, linking_members, mobile_members, member_overloaded (LINK more than $cap households), mobile_unregistered (mobile with no REGISTERED_AT {kind: 'mobile'}) — what totals_members, member_overloaded and mobile_unregistered count of them over everything. Found from the members of organisations serving no community and the members of none, not by walking every member's home.
CALL () {
  MATCH (o:PartyOrg)<-[:MEMBER_OF]-(m:Member)
  WHERE o.community_id IS NULL
  RETURN m
  UNION
  MATCH (m:Member)
  WHERE NOT (m)-[:MEMBER_OF]->(:PartyOrg)
  RETURN m
}
OPTIONAL MATCH (m)-[:LIVES_IN]->(:Household)-[:IN]->(b:Building)
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:PartyOrg)
WITH m, b, o
WHERE coalesce(b.community_id, o.community_id) IS NULL
WITH m, size([(m)-[:LINKS]->(:Household) | 1]) AS links,
  size([(m)-[r:REGISTERED_AT]->(:PartyOrg) WHERE r.kind = 'mobile' | 1]) AS mobile_registered
RETURN count(m) AS members,
  sum(CASE WHEN links > 0 THEN 1 ELSE 0 END) AS linking_members,
  sum(CASE WHEN m.category = 'mobile' THEN 1 ELSE 0 END) AS mobile_members,
  sum(CASE WHEN links > $cap THEN 1 ELSE 0 END) AS member_overloaded,
  sum(CASE WHEN m.category = 'mobile' AND mobile_registered = 0 THEN 1 ELSE 0 END) AS mobile_unregistered
