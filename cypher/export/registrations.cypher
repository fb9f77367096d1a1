// Every REGISTERED_AT relationship as a Ledger v1 row: returns row {member_id, org_id, kind}.
MATCH (m:Member)-[r:REGISTERED_AT]->(o:PartyOrg)
RETURN {member_id: m.id, org_id: o.id, kind: r.kind} AS row
ORDER BY m.id, o.id
