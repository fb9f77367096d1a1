// Within scope $communities (null = all), every Community node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Community)
WHERE $communities IS NULL OR any(c IN [n.id] WHERE c IN $communities)
RETURN properties(n) AS row
ORDER BY n.id
