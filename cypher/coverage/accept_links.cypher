// Writes accepted (Member)-[:LINKS]->(Household) pairs (党员联户), stamped with $stamp {accepted_by, accepted_at, source}. $pairs: [{member_id, household_id}]. Returns member_id, household_id.
UNWIND $pairs AS pair
MATCH (m:Member {id: pair.member_id})
MATCH (h:Household {id: pair.household_id})
MERGE (m)-[r:LINKS]->(h)
SET r += $stamp
RETURN m.id AS member_id, h.id AS household_id
