// Hierarchy ties (child)-[:UNDER]->(parent) between Party organisations, both ends in $ids (null = all): returns source (the child), target (the parent).
MATCH (a:PartyOrg)-[:UNDER]->(b:PartyOrg)
WHERE $ids IS NULL OR (a.id IN $ids AND b.id IN $ids)
RETURN a.id AS source, b.id AS target
