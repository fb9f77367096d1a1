// Rule 6 支部四进: units with working members and no organisation OF them, where $min_members or more work there or one of them is not in a joint branch; within $communities (null = all). Returns id, name, street_id, community_id, community_name, grid_id, unit_kind, lat, lon, working_members, in_joint_branch.
MATCH (c:Community)<-[:LOCATED_IN]-(u:Unit)
WHERE ($communities IS NULL OR c.id IN $communities) AND NOT (u)<-[:OF]-(:PartyOrg)
WITH c, u, [(u)<-[:WORKS_AT]-(:Member)-[:MEMBER_OF]->(o:PartyOrg) | o.domain] AS domains
WHERE size(domains) > 0 AND (size(domains) >= $min_members OR any(d IN domains WHERE d <> 'joint'))
RETURN u.id AS id, u.name AS name, c.street_id AS street_id, c.id AS community_id, c.name AS community_name,
  null AS grid_id, u.kind AS unit_kind, u.lat AS lat, u.lon AS lon, size(domains) AS working_members,
  size([d IN domains WHERE d = 'joint']) AS in_joint_branch
ORDER BY id
