// Index on CoverageSnapshot.street_id (history is read street by street); returns nothing.
CREATE INDEX coverage_snapshot_street IF NOT EXISTS FOR (n:CoverageSnapshot) ON (n.street_id)
