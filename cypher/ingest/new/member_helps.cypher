// Creates HELPS known to be new (a demo loaded into a graph that had no member before: no help can exist yet): what ingest/member_helps does for them, without looking for the relationship first. $rows: member_helps rows. Returns written.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (h:Household {id: row.household_id})
CREATE (m)-[:HELPS]->(h)
RETURN count(*) AS written
