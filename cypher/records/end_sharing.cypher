// Ends the active sharing $id (its id, or '<resource>@<community>' for a ledger sharing) of a community in $communities (null = all): stamps ended_at, ended_by, end_source, end_reason and keeps it. $id, $at, $actor, $source, $reason. Returns id; no row if unknown, ended or out of scope.
MATCH (r:Resource)-[s:SHARED_WITH]->(c:Community)
WHERE s.ended_at IS NULL AND ($communities IS NULL OR c.id IN $communities)
  AND coalesce(s.id, r.id + '@' + c.id) = $id
SET s.ended_at = $at, s.ended_by = $actor, s.end_source = $source, s.end_reason = $reason
RETURN $id AS id
