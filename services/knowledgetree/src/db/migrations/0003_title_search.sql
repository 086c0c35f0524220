-- Titles on their own index, so a search can always find the title matches first and rank a
-- bounded set of body matches beside them (a very common word matches half of a large base).
ALTER TABLE nodes ADD COLUMN title_search tsvector GENERATED ALWAYS AS (to_tsvector('english', title)) STORED;
CREATE INDEX nodes_title_search ON nodes USING gin (title_search);
