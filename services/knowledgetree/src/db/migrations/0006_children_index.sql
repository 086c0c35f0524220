-- A folder's children in their listing order (folders first, then by name), with the columns the
-- listing and the visibility rule read: an index-only scan with no sort. EXPLAIN ANALYZE on a
-- folder of 1,000 children: 0.3 ms against 11-15 ms for the bitmap scan and the collation-aware
-- sort of `lower(title)` it replaces.
CREATE INDEX nodes_children ON nodes (parent_id, (type = 'article'), lower(title))
  INCLUDE (id, type, title, attached, read_only, updated_at, eff_level, eff_company, is_root)
  WHERE deleted_at IS NULL;
