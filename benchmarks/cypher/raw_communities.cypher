// Baseline loader: communities IN their street. $rows.
UNWIND $rows AS row
MATCH (s:Street {id: row.street_id})
CREATE (n:Community)-[:IN]->(s)
SET n = row
