-- A correction cancels the version it replaces with a credit note (its lines negated) and re-issues
-- the bill as the next version, in one transaction. A version is credited at most once and a
-- re-issue cancels exactly one version, hence the two unique references. Like snapshots, a credit
-- note is never changed or deleted.
CREATE TABLE credit_notes (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number          text   NOT NULL UNIQUE,
  credits_id      bigint NOT NULL UNIQUE REFERENCES snapshots (id),
  reissue_id      bigint NOT NULL UNIQUE REFERENCES snapshots (id),
  account_number  text   NOT NULL,
  company_name    text   NOT NULL,
  period          text   NOT NULL CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  total_cents     bigint NOT NULL CHECK (total_cents <= 0),
  issued_on       text   NOT NULL CHECK (issued_on ~ '^\d{4}-\d{2}-\d{2}$'),
  reason          text   NOT NULL,
  csv             text   NOT NULL,
  pdf             bytea  NOT NULL,
  sha256          text   NOT NULL,
  issued_by       text   NOT NULL,
  issued_at       timestamptz NOT NULL,
  CHECK (credits_id <> reissue_id)
);

CREATE FUNCTION credit_notes_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'credit notes are immutable';
END;
$$;
CREATE TRIGGER credit_notes_no_change BEFORE UPDATE OR DELETE ON credit_notes
  FOR EACH ROW EXECUTE FUNCTION credit_notes_immutable();
