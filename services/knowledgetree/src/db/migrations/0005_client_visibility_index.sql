-- A client user sees only nodes shared with their companies: with this index PostgreSQL can AND
-- the search (or subtree) bitmap with the few shared rows instead of filtering every match of a
-- frequent word in the heap.
CREATE INDEX nodes_eff_company ON nodes (eff_company) WHERE eff_company IS NOT NULL AND deleted_at IS NULL;
