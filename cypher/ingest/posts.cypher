// A member HOLDS_POST in a community (设岗定责). $rows: [{member_id, community_id, post}]. Returns written.
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MATCH (c:Community {id: row.community_id})
MERGE (m)-[:HOLDS_POST {post: row.post}]->(c)
RETURN count(*) AS written
