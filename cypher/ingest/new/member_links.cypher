// Creates LINKS known to be new (a demo loaded into a graph that had no member before: no link can exist yet): what ingest/member_links does for them, without looking for the relationship first. $rows: member_links rows. Returns written.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (h:Household {id: row.household_id})
CREATE (m)-[:LINKS]->(h)
RETURN count(*) AS written
