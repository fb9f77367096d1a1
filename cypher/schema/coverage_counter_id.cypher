// Unique id for every CoverageCounter (a community's counted part for one set of parameters); returns nothing.
CREATE CONSTRAINT coverage_counter_id IF NOT EXISTS FOR (n:CoverageCounter) REQUIRE n.id IS UNIQUE
