// Upserts Party members: MEMBER_OF their organisation, LIVES_IN a household and WORKS_AT a unit when given (coalesce: ArcadeDB scans the whole label for a null id). Returns written.
UNWIND $rows AS row
MERGE (n:Member {id: row.id})
SET n += row
WITH n, row
OPTIONAL MATCH (n)-[old:LIVES_IN|WORKS_AT|MEMBER_OF]->(x)
WHERE NOT x.id IN [coalesce(row.household_id, ''), coalesce(row.unit_id, ''), row.org_id]
DELETE old
WITH DISTINCT n, row
MATCH (o:PartyOrg {id: row.org_id})
MERGE (n)-[:MEMBER_OF]->(o)
WITH n, row
OPTIONAL MATCH (h:Household {id: coalesce(row.household_id, '')})
FOREACH (x IN CASE WHEN h IS NULL THEN [] ELSE [h] END | MERGE (n)-[:LIVES_IN]->(x))
WITH n, row
OPTIONAL MATCH (u:Unit {id: coalesce(row.unit_id, '')})
FOREACH (x IN CASE WHEN u IS NULL THEN [] ELSE [u] END | MERGE (n)-[:WORKS_AT]->(x))
RETURN count(n) AS written
