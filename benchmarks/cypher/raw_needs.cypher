// Baseline loader: needs of communities. $rows.
UNWIND $rows AS row
MATCH (c:Community {id: row.community_id})
CREATE (c)-[:NEEDS]->(n:Need)
SET n = row
