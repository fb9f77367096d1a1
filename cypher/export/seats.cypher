// Every SITS_ON relationship (兼职委员) as a Ledger v1 row: returns row {member_id, org_id}.
MATCH (m:Member)-[:SITS_ON]->(o:PartyOrg)
RETURN {member_id: m.id, org_id: o.id} AS row
ORDER BY m.id, o.id
