// Baseline loader: HELPS. $rows.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (h:Household {id: row.household_id})
CREATE (m)-[:HELPS]->(h)
