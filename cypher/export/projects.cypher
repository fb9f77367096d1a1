// Every Project node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Project)
RETURN properties(n) AS row
ORDER BY n.id
