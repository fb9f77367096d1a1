// Creates (org_a)-[:PAIRED_WITH $props]->(org_b), a new relationship (history is never overwritten). $org_a, $org_b, $props. Returns pairing (its properties).
MATCH (a:PartyOrg {id: $org_a})
MATCH (b:PartyOrg {id: $org_b})
CREATE (a)-[p:PAIRED_WITH]->(b)
SET p = $props
RETURN properties(p) AS pairing
