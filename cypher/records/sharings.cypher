// SHARED_WITH relationships (ended ones too, unless $active) of communities in $communities (null = all), filtered by $id, $active, $community_id, $street_id: returns sharing (properties plus resource_id, community_id, and id — a ledger sharing has none, so '<resource>@<community>'), owner_id, resource_kind, capacity, ordered by id.
MATCH (r:Resource)-[s:SHARED_WITH]->(c:Community)
WHERE ($communities IS NULL OR c.id IN $communities)
  AND ($community_id IS NULL OR c.id = $community_id)
  AND ($street_id IS NULL OR c.street_id = $street_id)
  AND ($active IS NULL OR (s.ended_at IS NULL) = $active)
WITH r, s, c, coalesce(s.id, r.id + '@' + c.id) AS sid
WHERE $id IS NULL OR sid = $id
RETURN s {.*, id: sid, resource_id: r.id, community_id: c.id} AS sharing,
  r.owner_id AS owner_id, r.kind AS resource_kind, r.capacity AS capacity
ORDER BY sid
