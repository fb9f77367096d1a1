// Within scope $communities (null = all), every REGISTERED_AT relationship as a Ledger v1 row: returns row {member_id, org_id, kind}.
MATCH (m:Member)-[r:REGISTERED_AT]->(o:PartyOrg)
WHERE $communities IS NULL OR o.community_id IN $communities
RETURN {member_id: m.id, org_id: o.id, kind: r.kind} AS row
ORDER BY m.id, o.id
