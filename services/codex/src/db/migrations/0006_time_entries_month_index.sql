-- A month's time entries summed per company (billing's totals, the dashboard's read) was a bitmap
-- scan of the month's date range followed by a visit to every heap page holding one of its rows:
-- 40,000 entries of a month sat on all 4,545 pages of a 400,000-entry table, 0.4 s of a 0.5 s read.
-- The same key with the columns that sum reads alongside it answers from the index alone
-- (an index-only scan, ~200 pages). It replaces the plain date index: same key, same predicate,
-- so every read that used that one can use this one.
DROP INDEX IF EXISTS time_entries_date_idx;
CREATE INDEX time_entries_date_idx ON time_entries (entry_date) INCLUDE (ticket_id, minutes, billable) WHERE archived_at IS NULL;
