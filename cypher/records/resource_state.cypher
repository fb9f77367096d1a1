// The resource $resource_id with its capacity and the units of its active sharings (a ledger sharing names none: the whole resource), and the need $need_id (null = none) with its community, kind, quantity and the units of active sharings that meet it: returns resource_id, kind, capacity, shared_units, need_id, need_community, need_kind, need_quantity, need_met.
MATCH (r:Resource {id: $resource_id})
OPTIONAL MATCH (c:Community)-[:NEEDS]->(n:Need {id: $need_id})
RETURN r.id AS resource_id, r.kind AS kind, r.capacity AS capacity,
  [(r)-[s:SHARED_WITH]->(:Community) WHERE s.ended_at IS NULL | coalesce(s.units, r.capacity)] AS shared_units,
  n.id AS need_id, c.id AS need_community, n.kind AS need_kind, n.quantity AS need_quantity,
  [(c)<-[m:SHARED_WITH]-(:Resource) WHERE m.ended_at IS NULL AND m.need_id = $need_id | m.units] AS need_met
