// A member HELPS a household (一帮一). $rows: [{member_id, household_id}]. Returns written.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (h:Household {id: row.household_id})
MERGE (m)-[:HELPS]->(h)
RETURN count(*) AS written
