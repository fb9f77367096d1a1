// Closes the open project $id (no ended_at) under an organisation of a community in $communities (null = all): sets status $status, outcome, satisfaction and stamps ended_at, ended_by, end_source. $id, $status, $outcome, $satisfaction, $at, $actor, $source. Returns project (its properties); no row if unknown, closed or out of scope.
MATCH (n:Project {id: $id})
WHERE n.ended_at IS NULL
  AND ($communities IS NULL
    OR size([(n)-[:UNDER]->(o:PartyOrg) WHERE o.community_id IN $communities | 1]) > 0
    OR size([(n)-[:UNDER]->(:PartyOrg)-[:OF]->(u:Unit) WHERE u.community_id IN $communities | 1]) > 0)
SET n.status = $status, n.outcome = $outcome, n.satisfaction = $satisfaction,
  n.ended_at = $at, n.ended_by = $actor, n.end_source = $source
RETURN properties(n) AS project
