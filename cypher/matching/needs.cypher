// Needs of communities in $communities (null = all) with the units active sharings already gave them (sharings that name the need): returns id, community_id, kind, quantity, urgency, description, met (list of units), ordered by id.
MATCH (c:Community)-[:NEEDS]->(n:Need)
WHERE $communities IS NULL OR c.id IN $communities
RETURN n.id AS id, c.id AS community_id, n.kind AS kind, n.quantity AS quantity, n.urgency AS urgency,
  n.description AS description,
  [(c)<-[s:SHARED_WITH]-(:Resource) WHERE s.ended_at IS NULL AND s.need_id = n.id | s.units] AS met
ORDER BY n.id
