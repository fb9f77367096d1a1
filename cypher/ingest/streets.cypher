// Upserts streets. $rows: [{id, name, district, city}]. Returns written.
UNWIND $rows AS row
MERGE (n:Street {id: row.id})
SET n += row
RETURN count(n) AS written
