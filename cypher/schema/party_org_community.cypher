// Index: party organisations by community served; returns nothing.
CREATE INDEX party_org_community IF NOT EXISTS FOR (n:PartyOrg) ON (n.community_id)
