// Every Community node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Community)
RETURN properties(n) AS row
ORDER BY n.id
