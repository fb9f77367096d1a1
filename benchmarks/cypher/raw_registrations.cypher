// Baseline loader: REGISTERED_AT. $rows.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (o:PartyOrg {id: row.org_id})
CREATE (m)-[:REGISTERED_AT {kind: row.kind}]->(o)
