// Baseline loader: service points IN their community. $rows.
UNWIND $rows AS row
MATCH (c:Community {id: row.community_id})
CREATE (n:ServicePoint)-[:IN]->(c)
SET n = row
