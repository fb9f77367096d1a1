// Deletes PAIRED_WITH relationships whose id comes again with other ends. $rows: pairing rows. Returns deleted.
MATCH (a:PartyOrg)-[old:PAIRED_WITH]->(b:PartyOrg)
WHERE any(row IN $rows WHERE row.id = old.id AND (row.org_a <> a.id OR row.org_b <> b.id))
DELETE old
RETURN count(*) AS deleted
