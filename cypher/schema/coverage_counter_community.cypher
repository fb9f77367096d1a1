// Index on CoverageCounter.community_id (a write drops its communities' counters); returns nothing.
CREATE INDEX coverage_counter_community IF NOT EXISTS FOR (n:CoverageCounter) ON (n.community_id)
