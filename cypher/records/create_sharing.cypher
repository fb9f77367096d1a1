// Creates (resource)-[:SHARED_WITH $props]->(community), a new relationship, if the community is in $communities (null = all). $resource_id, $community_id, $props. Returns sharing (its properties); no row if either is unknown or out of scope.
MATCH (r:Resource {id: $resource_id})
MATCH (c:Community {id: $community_id})
WHERE $communities IS NULL OR c.id IN $communities
CREATE (r)-[s:SHARED_WITH]->(c)
SET s = $props
RETURN properties(s) AS sharing
