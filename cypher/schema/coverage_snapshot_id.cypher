// Unique id for every CoverageSnapshot row (one per place per snapshot); returns nothing.
CREATE CONSTRAINT coverage_snapshot_id IF NOT EXISTS FOR (n:CoverageSnapshot) REQUIRE n.id IS UNIQUE
