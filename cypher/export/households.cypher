// Within scope $communities (null = all), every Household node as a Ledger v1 row: returns row (its properties), ordered by id.
MATCH (n:Household)
WHERE $communities IS NULL OR any(c IN [(n)-[:IN]->(b:Building) | b.community_id] WHERE c IN $communities)
RETURN properties(n) AS row
ORDER BY n.id
