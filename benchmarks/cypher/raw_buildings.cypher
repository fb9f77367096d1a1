// Baseline loader: buildings IN their community and grid. $rows.
UNWIND $rows AS row
MATCH (c:Community {id: row.community_id})
CREATE (n:Building)-[:IN]->(c)
SET n = row
WITH n, row
MATCH (g:ResidentGroup {id: row.resident_group_id})
CREATE (n)-[:IN]->(g)
