// The coverage counters kept for the parameters $params, of the communities $communities (null = all; '' is the part of the members placed in no community). Returns community_id, part (the part as JSON text).
MATCH (c:CoverageCounter)
WHERE c.params = $params AND ($communities IS NULL OR c.community_id IN $communities)
RETURN c.community_id AS community_id, c.part AS part
