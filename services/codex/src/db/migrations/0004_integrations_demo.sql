-- Vendor integrations entered on the integrations page (address, sealed credentials, schedule,
-- last connection test), read by the sync at run time; and the mark of demo plans.

CREATE TABLE integrations (
  provider          text        PRIMARY KEY CHECK (provider IN ('freshservice', 'datto', 'superops')),
  base_url          text        NOT NULL CHECK (char_length(base_url) BETWEEN 1 AND 500),
  -- Settings that are not secret (SuperOps' customer subdomain), shown on the page.
  settings          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  -- The credentials as one JSON object, AES-256-GCM sealed like stored secrets (see secret-box).
  iv                bytea       NOT NULL,
  tag               bytea       NOT NULL,
  ciphertext        bytea       NOT NULL,
  key_id            text,
  -- Interval per job of this vendor in milliseconds (0 = manual only); absent jobs use SYNC_SCHEDULE.
  schedule          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  last_test_at      timestamptz,
  last_test_ok      boolean,
  last_test_message text,
  updated_by        text,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Plans the demo loader created; `hivematrix demo --remove` deletes only these. Demo companies,
-- contacts, assets, tickets, time entries and agents are marked by the provider `demo` in their
-- link tables and provider columns, which no real sync uses.
ALTER TABLE billing_plans ADD COLUMN demo boolean NOT NULL DEFAULT false;
