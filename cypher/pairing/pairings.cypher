// Every pairing (any kind, active or ended) with an end in $org_ids: returns id, kind, org_a, org_b, since, ended_at (null while active), themes.
MATCH (a:PartyOrg)-[p:PAIRED_WITH]->(b:PartyOrg)
WHERE a.id IN $org_ids OR b.id IN $org_ids
RETURN p.id AS id, p.kind AS kind, a.id AS org_a, b.id AS org_b, p.since AS since, p.ended_at AS ended_at,
  p.themes AS themes
ORDER BY id
