// Streets with a community in scope $communities (null = all) and their community count: returns id, name, district, city, communities.
MATCH (s:Street)
WITH s, [(s)<-[:IN]-(c:Community) WHERE $communities IS NULL OR c.id IN $communities | c.id] AS cs
WHERE size(cs) > 0 OR $communities IS NULL
RETURN s.id AS id, s.name AS name, s.district AS district, s.city AS city, size(cs) AS communities
ORDER BY s.id
