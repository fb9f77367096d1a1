// Baseline loader: resident groups IN their community. $rows.
UNWIND $rows AS row
MATCH (c:Community {id: row.community_id})
CREATE (n:ResidentGroup)-[:IN]->(c)
SET n = row
