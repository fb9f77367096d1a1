// A member SITS_ON an organisation as a part-time member (兼职委员). $rows: [{member_id, org_id}]. Returns written.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (o:PartyOrg {id: row.org_id})
MERGE (m)-[:SITS_ON]->(o)
RETURN count(*) AS written
