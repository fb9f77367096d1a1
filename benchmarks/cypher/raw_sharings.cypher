// Baseline loader: SHARED_WITH. $rows.
UNWIND $rows AS row
MATCH (r:Resource {id: row.resource_id})
MATCH (c:Community {id: row.community_id})
CREATE (r)-[:SHARED_WITH {since: row.since}]->(c)
