// Creates households known to be new (no Household has their id yet), each IN its building: what ingest/households does for them, without looking for a node or old relationships first. $rows: household rows. Returns written.
UNWIND $rows AS row
MATCH (b:Building {id: row.building_id})
CREATE (n:Household)-[:IN]->(b)
SET n = row
RETURN count(n) AS written
