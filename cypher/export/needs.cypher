// Every Need node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Need)
RETURN properties(n) AS row
ORDER BY n.id
