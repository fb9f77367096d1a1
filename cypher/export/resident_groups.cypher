// Every ResidentGroup node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:ResidentGroup)
RETURN properties(n) AS row
ORDER BY n.id
