// Units located in the communities $communities (null = all) for the map: returns id, name, kind, community_id, lat, lon, working_members, org_ids (organisations OF it), in_joint_branch (a member working there belongs to a joint branch).
MATCH (u:Unit)-[:LOCATED_IN]->(c:Community)
WHERE $communities IS NULL OR c.id IN $communities
RETURN u.id AS id, u.name AS name, u.kind AS kind, c.id AS community_id, u.lat AS lat, u.lon AS lon,
  size([(u)<-[:WORKS_AT]-(:Member) | 1]) AS working_members,
  [(u)<-[:OF]-(o:PartyOrg) | o.id] AS org_ids,
  size([(u)<-[:WORKS_AT]-(:Member)-[:MEMBER_OF]->(j:PartyOrg) WHERE j.domain = 'joint' | 1]) > 0 AS in_joint_branch
ORDER BY id
