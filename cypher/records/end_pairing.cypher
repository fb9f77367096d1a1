// Ends the active pairing $id: keeps the relationship and stamps ended_at, ended_by, end_source, end_reason. $id, $at, $actor, $source, $reason. Returns pairing (its properties); no row if it is unknown or already ended.
MATCH (:PartyOrg)-[p:PAIRED_WITH {id: $id}]->(:PartyOrg)
WHERE p.ended_at IS NULL
SET p.ended_at = $at, p.ended_by = $actor, p.end_source = $source, p.end_reason = $reason
RETURN properties(p) AS pairing
