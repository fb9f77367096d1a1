// Party organisations among $ids: returns id, name, level, domain, community_id, unit_id, building_ids (buildings it COVERS).
MATCH (o:PartyOrg)
WHERE o.id IN $ids
RETURN o.id AS id, o.name AS name, o.level AS level, o.domain AS domain, o.community_id AS community_id,
  o.unit_id AS unit_id, [(o)-[:COVERS]->(b:Building) | b.id] AS building_ids
