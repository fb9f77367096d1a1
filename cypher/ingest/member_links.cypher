// A member LINKS a household (党员联户). $rows: [{member_id, household_id}]. Returns written.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (h:Household {id: row.household_id})
MERGE (m)-[:LINKS]->(h)
RETURN count(*) AS written
