// Within scope $communities (null = all), every Unit node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Unit)
WHERE $communities IS NULL OR any(c IN [n.community_id] WHERE c IN $communities)
RETURN properties(n) AS row
ORDER BY n.id
