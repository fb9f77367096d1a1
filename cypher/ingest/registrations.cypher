// A member is REGISTERED_AT an organisation, kind dual or mobile. $rows: [{member_id, org_id, kind}]. Returns written.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (o:PartyOrg {id: row.org_id})
MERGE (m)-[r:REGISTERED_AT]->(o)
SET r.kind = row.kind
RETURN count(*) AS written
