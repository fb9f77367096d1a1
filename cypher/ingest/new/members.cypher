// Creates Party members known to be new (no Member has their id yet): MEMBER_OF their organisation, LIVES_IN a household and WORKS_AT a unit when given — what ingest/members does for them, without looking for a node or old relationships first (coalesce: ArcadeDB scans the whole label for a null id). Returns written.
UNWIND $rows AS row
MATCH (o:PartyOrg {id: row.org_id})
CREATE (n:Member)-[:MEMBER_OF]->(o)
SET n = row
WITH n, row
OPTIONAL MATCH (h:Household {id: coalesce(row.household_id, '')})
OPTIONAL MATCH (u:Unit {id: coalesce(row.unit_id, '')})
FOREACH (x IN CASE WHEN h IS NULL THEN [] ELSE [h] END | CREATE (n)-[:LIVES_IN]->(x))
FOREACH (x IN CASE WHEN u IS NULL THEN [] ELSE [u] END | CREATE (n)-[:WORKS_AT]->(x))
RETURN count(n) AS written
