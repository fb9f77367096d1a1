// Baseline loader: units LOCATED_IN their community. $rows.
UNWIND $rows AS row
MATCH (c:Community {id: row.community_id})
CREATE (n:Unit)-[:LOCATED_IN]->(c)
SET n = row
