// Every community in the streets that hold any of $communities (null = all communities): returns id, street_id, street_name.
MATCH (c:Community)-[:IN]->(s:Street)
WHERE $communities IS NULL OR size([(s)<-[:IN]-(x:Community) WHERE x.id IN $communities | 1]) > 0
RETURN c.id AS id, s.id AS street_id, s.name AS street_name
ORDER BY id
