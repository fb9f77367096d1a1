// Index: households by building; returns nothing.
CREATE INDEX household_building IF NOT EXISTS FOR (n:Household) ON (n.building_id)
