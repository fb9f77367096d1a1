// Whether community $id exists: returns found.
OPTIONAL MATCH (c:Community {id: $id})
RETURN c IS NOT NULL AS found
