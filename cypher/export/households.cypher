// Every Household node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Household)
RETURN properties(n) AS row
ORDER BY n.id
