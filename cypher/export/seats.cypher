// Within scope $communities (null = all), every SITS_ON relationship (兼职委员) as a Ledger v1 row: returns row {member_id, org_id}.
MATCH (m:Member)-[:SITS_ON]->(o:PartyOrg)
WHERE $communities IS NULL OR any(c IN [o.community_id] + [(o)<-[:UNDER]-(x:PartyOrg) | x.community_id] WHERE c IN $communities)
RETURN {member_id: m.id, org_id: o.id} AS row
ORDER BY m.id, o.id
