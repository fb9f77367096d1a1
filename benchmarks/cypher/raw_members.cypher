// Baseline loader: members with MEMBER_OF, LIVES_IN, WORKS_AT. $rows.
UNWIND $rows AS row
MATCH (o:PartyOrg {id: row.org_id})
CREATE (n:Member)-[:MEMBER_OF]->(o)
SET n = row
WITH n, row
OPTIONAL MATCH (h:Household {id: coalesce(row.household_id, '')})
OPTIONAL MATCH (u:Unit {id: coalesce(row.unit_id, '')})
FOREACH (x IN CASE WHEN h IS NULL THEN [] ELSE [h] END | CREATE (n)-[:LIVES_IN]->(x))
FOREACH (x IN CASE WHEN u IS NULL THEN [] ELSE [u] END | CREATE (n)-[:WORKS_AT]->(x))
