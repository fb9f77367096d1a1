// Every PAIRED_WITH relationship as a Ledger v1 pairings row: returns row (its properties, with org_a and org_b), ordered by id.
MATCH (a:PartyOrg)-[p:PAIRED_WITH]->(b:PartyOrg)
RETURN properties(p) AS row
ORDER BY p.id
