// Which of $ids already exist in the graph (indexed lookup per label): returns id and labels for each one found.
MATCH (n:Street) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:Community) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:ResidentGroup) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:Building) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:Household) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:Member) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:PartyOrg) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:Unit) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:Resource) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:Need) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:ServicePoint) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
UNION ALL
MATCH (n:Project) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
