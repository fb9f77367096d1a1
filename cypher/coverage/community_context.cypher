// Name and street of the communities $ids (context for rules whose rows leave them out): returns id, name, street_id.
MATCH (c:Community)
WHERE c.id IN $ids
RETURN c.id AS id, c.name AS name, c.street_id AS street_id
