// Index: members by membership organisation; returns nothing.
CREATE INDEX member_org IF NOT EXISTS FOR (n:Member) ON (n.org_id)
