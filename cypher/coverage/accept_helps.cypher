// Writes accepted (Member)-[:HELPS]->(Household) pairs (一帮一), stamped with $stamp {accepted_by, accepted_at, source}. $pairs: [{member_id, household_id}]. Returns member_id, household_id.
UNWIND $pairs AS pair
MATCH (m:Member {id: pair.member_id})
MATCH (h:Household {id: pair.household_id})
MERGE (m)-[r:HELPS]->(h)
SET r += $stamp
RETURN m.id AS member_id, h.id AS household_id
