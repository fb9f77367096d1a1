// Every HELPS relationship (一帮一) as a Ledger v1 row: returns row {member_id, household_id}.
MATCH (m:Member)-[:HELPS]->(h:Household)
RETURN {member_id: m.id, household_id: h.id} AS row
ORDER BY m.id, h.id
