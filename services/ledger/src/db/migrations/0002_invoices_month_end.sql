-- Issue 8: a snapshot also freezes the PDF, and its hash covers everything frozen (inputs, result,
-- CSV, PDF, who accepted and when). Adding columns fires no row trigger, so the immutability trigger
-- of 0001 stays as it is. hash_scheme 1 = {inputs, result, csv} (rows accepted before this
-- migration); 2 = {inputs, result, csv, pdf sha256, accepted_by, accepted_at}.
ALTER TABLE snapshots ADD COLUMN pdf bytea;
ALTER TABLE snapshots ADD COLUMN hash_scheme smallint NOT NULL DEFAULT 1 CHECK (hash_scheme IN (1, 2));
ALTER TABLE snapshots ADD CONSTRAINT snapshots_pdf_with_scheme_2 CHECK (hash_scheme = 1 OR pdf IS NOT NULL);
CREATE INDEX snapshots_account_idx ON snapshots (account_number, period);

-- One row per month the month-end job ran for: the unique period makes a second run impossible.
-- A failed run may be retried (status goes back to running); a finished one never.
CREATE TABLE month_end_runs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  period        text   NOT NULL UNIQUE CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  status        text   NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  triggered_by  text   NOT NULL,
  forced        boolean NOT NULL DEFAULT false,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  report        jsonb,
  error         text
);
