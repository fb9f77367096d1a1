// Within scope $communities (null = all), every COVERS relationship as a Ledger v1 coverage row: returns row {org_id, target_id}.
MATCH (o:PartyOrg)-[:COVERS]->(t)
WHERE $communities IS NULL OR coalesce(t.community_id, o.community_id) IN $communities
RETURN {org_id: o.id, target_id: t.id} AS row
ORDER BY o.id, t.id
