// Baseline loader: households IN their building. $rows.
UNWIND $rows AS row
MATCH (b:Building {id: row.building_id})
CREATE (n:Household)-[:IN]->(b)
SET n = row
