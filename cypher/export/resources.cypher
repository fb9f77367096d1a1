// Every Resource node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Resource)
RETURN properties(n) AS row
ORDER BY n.id
