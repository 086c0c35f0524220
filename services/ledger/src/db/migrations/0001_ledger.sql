-- Ledger keeps only what codex does not: per-client overrides, manual users and devices, line
-- items, prepaid hours, and the archive of accepted bills. Money is integer cents.

-- One row per client. rate_overrides holds only the ENABLED overrides ({"perUser": 4500, …}), so
-- "enabled" and "value" can never disagree.
CREATE TABLE client_overrides (
  account_number         text PRIMARY KEY,
  plan_name              text,
  rate_overrides         jsonb   NOT NULL DEFAULT '{}'::jsonb,
  prepaid_hours_monthly  numeric(8,2) NOT NULL DEFAULT 0 CHECK (prepaid_hours_monthly >= 0),
  prepaid_hours_yearly   numeric(8,2) NOT NULL DEFAULT 0 CHECK (prepaid_hours_yearly >= 0),
  updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_overrides (
  contact_id    bigint PRIMARY KEY,
  billing_type  text   NOT NULL CHECK (billing_type IN ('paid', 'free', 'custom')),
  custom_cents  bigint CHECK (custom_cents >= 0)
);

CREATE TABLE device_overrides (
  asset_id      bigint PRIMARY KEY,
  billing_type  text   NOT NULL CHECK (billing_type IN ('workstation', 'server', 'virtual_machine', 'switch', 'firewall', 'not_billed', 'custom')),
  custom_cents  bigint CHECK (custom_cents >= 0)
);

CREATE TABLE manual_users (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_number  text   NOT NULL,
  full_name       text   NOT NULL CHECK (char_length(full_name) BETWEEN 1 AND 200),
  billing_type    text   NOT NULL CHECK (billing_type IN ('paid', 'free', 'custom')),
  custom_cents    bigint CHECK (custom_cents >= 0),
  active          boolean NOT NULL DEFAULT true
);
CREATE INDEX manual_users_account_idx ON manual_users (account_number);

CREATE TABLE manual_devices (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_number  text   NOT NULL,
  hostname        text   NOT NULL CHECK (char_length(hostname) BETWEEN 1 AND 200),
  billing_type    text   NOT NULL CHECK (billing_type IN ('workstation', 'server', 'virtual_machine', 'switch', 'firewall', 'not_billed', 'custom')),
  custom_cents    bigint CHECK (custom_cents >= 0),
  backup_bytes    bigint NOT NULL DEFAULT 0 CHECK (backup_bytes >= 0),
  active          boolean NOT NULL DEFAULT true
);
CREATE INDEX manual_devices_account_idx ON manual_devices (account_number);

-- A line item may carry a recurring, a one-off and a yearly fee; each due fee is billed.
CREATE TABLE line_items (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_number    text   NOT NULL,
  name              text   NOT NULL CHECK (char_length(name) BETWEEN 1 AND 150),
  recurring_cents   bigint CHECK (recurring_cents >= 0),
  first_month       text   CHECK (first_month ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  last_month        text   CHECK (last_month ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  one_off_cents     bigint CHECK (one_off_cents >= 0),
  one_off_month     text   CHECK (one_off_month ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  yearly_cents      bigint CHECK (yearly_cents >= 0),
  yearly_month      smallint CHECK (yearly_month BETWEEN 1 AND 12),
  CHECK (one_off_cents IS NULL OR one_off_month IS NOT NULL),
  CHECK (yearly_cents IS NULL OR yearly_month IS NOT NULL)
);
CREATE INDEX line_items_account_idx ON line_items (account_number);

-- Accepted bills. Never updated or deleted (the trigger refuses it); a correction is a new
-- version that names the snapshot it supersedes.
CREATE TABLE snapshots (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_number  text   NOT NULL,
  company_name    text   NOT NULL,
  period          text   NOT NULL CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  version         integer NOT NULL CHECK (version >= 1),
  invoice_number  text   NOT NULL UNIQUE,
  supersedes_id   bigint REFERENCES snapshots (id),
  total_cents     bigint NOT NULL,
  inputs          jsonb  NOT NULL,
  result          jsonb  NOT NULL,
  csv             text   NOT NULL,
  sha256          text   NOT NULL,
  accepted_by     text   NOT NULL,
  accepted_at     timestamptz NOT NULL,
  notes           text,
  UNIQUE (account_number, period, version),
  CHECK ((version = 1) = (supersedes_id IS NULL))
);
CREATE INDEX snapshots_period_idx ON snapshots (period);

CREATE FUNCTION snapshots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'snapshots are immutable';
END;
$$;
CREATE TRIGGER snapshots_no_change BEFORE UPDATE OR DELETE ON snapshots
  FOR EACH ROW EXECUTE FUNCTION snapshots_immutable();
