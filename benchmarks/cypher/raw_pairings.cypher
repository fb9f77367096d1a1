// Baseline loader: PAIRED_WITH. $rows.
UNWIND $rows AS row
MATCH (a:PartyOrg {id: row.org_a})
MATCH (b:PartyOrg {id: row.org_b})
CREATE (a)-[p:PAIRED_WITH]->(b)
SET p = row
