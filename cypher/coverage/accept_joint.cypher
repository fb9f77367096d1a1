// Moves the memberships (组织关系) of the members working at unit $unit_id who are not in a joint branch into the joint branch $joint_id (支部四进: a small unit joins a joint branch); the new MEMBER_OF is stamped with $stamp and keeps the former organisation as previous_org_id. Returns member_id, from_org_id.
MATCH (j:PartyOrg {id: $joint_id})
MATCH (u:Unit {id: $unit_id})<-[:WORKS_AT]-(m:Member)-[old:MEMBER_OF]->(o:PartyOrg)
WHERE o.domain <> 'joint'
DELETE old
CREATE (m)-[r:MEMBER_OF]->(j)
SET r += $stamp, r.previous_org_id = o.id, m.org_id = j.id
RETURN m.id AS member_id, o.id AS from_org_id
