// Joint projects under at least one of $org_ids: returns id, org_ids (every organisation the project is under), status, outcome, satisfaction.
MATCH (j:Project)-[:UNDER]->(o:PartyOrg)
WHERE o.id IN $org_ids
WITH DISTINCT j
RETURN j.id AS id, [(j)-[:UNDER]->(x:PartyOrg) | x.id] AS org_ids, j.status AS status, j.outcome AS outcome,
  j.satisfaction AS satisfaction
ORDER BY id
