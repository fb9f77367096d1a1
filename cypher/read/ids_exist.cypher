// Which of $ids already exist in the graph: returns id and labels for each one found.
MATCH (n)
WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
