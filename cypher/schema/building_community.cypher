// Index: buildings by community (coverage scoping); returns nothing.
CREATE INDEX building_community IF NOT EXISTS FOR (n:Building) ON (n.community_id)
