// A resource is SHARED_WITH a community since a date. $rows: [{resource_id, community_id, since, ended_at}]. A row without ended_at never revives an ended sharing. Returns written.
UNWIND $rows AS row
MATCH (r:Resource {id: row.resource_id})
MATCH (c:Community {id: row.community_id})
MERGE (r)-[s:SHARED_WITH]->(c)
SET s.since = row.since, s.ended_at = coalesce(row.ended_at, s.ended_at)
RETURN count(*) AS written
