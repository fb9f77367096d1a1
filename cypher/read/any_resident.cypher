// Whether the graph holds any building, household or member (a demo load into a graph without them creates theirs without looking for them first): returns id (one row at most; none when there is none).
CALL () {
  MATCH (b:Building) RETURN b.id AS id LIMIT 1
  UNION
  MATCH (h:Household) RETURN h.id AS id LIMIT 1
  UNION
  MATCH (m:Member) RETURN m.id AS id LIMIT 1
}
RETURN id
LIMIT 1
