// Within scope $communities (null = all), every Street node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Street)
WHERE $communities IS NULL OR any(c IN [(n)<-[:IN]-(c:Community) | c.id] WHERE c IN $communities)
RETURN properties(n) AS row
ORDER BY n.id
