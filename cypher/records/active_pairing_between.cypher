// Active (no ended_at) PAIRED_WITH relationships of kind $kind between $org_a and $org_b, either direction: returns id.
MATCH (a:PartyOrg {id: $org_a})-[p:PAIRED_WITH]-(b:PartyOrg {id: $org_b})
WHERE p.ended_at IS NULL AND p.kind = $kind
RETURN p.id AS id
