// Baseline loader: UNDER links of Party organisations. $rows.
UNWIND $rows AS row
MATCH (n:PartyOrg {id: row.id})
MATCH (p:PartyOrg {id: row.parent_id})
CREATE (n)-[:UNDER]->(p)
