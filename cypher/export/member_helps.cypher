// Within scope $communities (null = all), every HELPS relationship (一帮一) as a Ledger v1 row: returns row {member_id, household_id}.
MATCH (m:Member)-[:HELPS]->(h:Household)
WHERE $communities IS NULL OR any(c IN [(h)-[:IN]->(b:Building) | b.community_id] WHERE c IN $communities)
RETURN {member_id: m.id, household_id: h.id} AS row
ORDER BY m.id, h.id
