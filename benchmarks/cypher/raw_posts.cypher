// Baseline loader: HOLDS_POST. $rows.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (c:Community {id: row.community_id})
CREATE (m)-[:HOLDS_POST {post: row.post}]->(c)
