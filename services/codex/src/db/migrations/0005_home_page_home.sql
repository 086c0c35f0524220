-- 'home' is the platform's own home page at the gateway's `/`. It becomes the default, so a user
-- who saves only a theme or an accent (the toggle writes the whole row) keeps landing on `/`
-- instead of being sent to beacon by a default they never chose.
ALTER TABLE user_settings DROP CONSTRAINT IF EXISTS user_settings_home_page_check;
ALTER TABLE user_settings ADD CONSTRAINT user_settings_home_page_check
  CHECK (home_page IN ('home', 'beacon', 'knowledgetree', 'brainhair', 'codex', 'ledger', 'archive', 'helm'));
ALTER TABLE user_settings ALTER COLUMN home_page SET DEFAULT 'home';
