// Baseline loader: SITS_ON. $rows.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (o:PartyOrg {id: row.org_id})
CREATE (m)-[:SITS_ON]->(o)
