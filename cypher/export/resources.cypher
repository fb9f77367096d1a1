// Within scope $communities (null = all), every Resource node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Resource)
WHERE $communities IS NULL OR any(c IN [(o)-[:OFFERS]->(n) | coalesce(o.community_id, o.id)] + [(n)-[:SHARED_WITH]->(c:Community) | c.id] WHERE c IN $communities)
RETURN properties(n) AS row
ORDER BY n.id
