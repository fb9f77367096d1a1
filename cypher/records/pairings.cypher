// Pairings (ended ones too, unless $active) filtered by $kind, $active (true/false/null), $id, $community_id, $street_id and scope $communities (an end in scope; null = all): returns pairing (properties), name_a, name_b, community_a, community_b (the community each end serves, or its unit's), serves_a, serves_b (the community each end serves, if any), unit_a, unit_b (the unit each end is OF, if any), ordered by id.
MATCH (a:PartyOrg)-[p:PAIRED_WITH]->(b:PartyOrg)
WHERE ($id IS NULL OR p.id = $id)
  AND ($kind IS NULL OR p.kind = $kind)
  AND ($active IS NULL OR (p.ended_at IS NULL) = $active)
OPTIONAL MATCH (a)-[:OF]->(ua:Unit)
OPTIONAL MATCH (b)-[:OF]->(ub:Unit)
WITH a, b, p, ua, ub, coalesce(a.community_id, ua.community_id) AS ca, coalesce(b.community_id, ub.community_id) AS cb
WHERE ($communities IS NULL OR ca IN $communities OR cb IN $communities)
  AND ($community_id IS NULL OR ca = $community_id OR cb = $community_id)
OPTIONAL MATCH (:Community {id: ca})-[:IN]->(sa:Street)
OPTIONAL MATCH (:Community {id: cb})-[:IN]->(sb:Street)
WITH a, b, p, ua, ub, ca, cb, sa, sb
WHERE $street_id IS NULL OR sa.id = $street_id OR sb.id = $street_id
RETURN properties(p) AS pairing, a.name AS name_a, b.name AS name_b, ca AS community_a, cb AS community_b,
  a.community_id AS serves_a, b.community_id AS serves_b, ua.id AS unit_a, ub.id AS unit_b
ORDER BY p.id
