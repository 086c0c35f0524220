-- Billing plans and features, tickets with dated time entries, PSA agents, user settings,
-- encrypted secrets, the audit trail and sync history.

CREATE TABLE billing_plans (
  id                             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_name                      text        NOT NULL CHECK (char_length(plan_name) BETWEEN 1 AND 100),
  term                           text        NOT NULL CHECK (term IN ('Month to Month', '1 Year', '2 Year', '3 Year')),
  support_level                  text        NOT NULL DEFAULT 'Billed Hourly' CHECK (support_level IN ('Billed Hourly', 'Unlimited')),
  -- Money in integer cents: exact, and a JSON number other services can add up.
  per_user_cents                 integer     NOT NULL DEFAULT 0 CHECK (per_user_cents >= 0),
  per_workstation_cents          integer     NOT NULL DEFAULT 0 CHECK (per_workstation_cents >= 0),
  per_server_cents               integer     NOT NULL DEFAULT 0 CHECK (per_server_cents >= 0),
  per_vm_cents                   integer     NOT NULL DEFAULT 0 CHECK (per_vm_cents >= 0),
  per_switch_cents               integer     NOT NULL DEFAULT 0 CHECK (per_switch_cents >= 0),
  per_firewall_cents             integer     NOT NULL DEFAULT 0 CHECK (per_firewall_cents >= 0),
  per_hour_cents                 integer     NOT NULL DEFAULT 0 CHECK (per_hour_cents >= 0),
  backup_base_workstation_cents  integer     NOT NULL DEFAULT 0 CHECK (backup_base_workstation_cents >= 0),
  backup_base_server_cents       integer     NOT NULL DEFAULT 0 CHECK (backup_base_server_cents >= 0),
  backup_included_tb             numeric(12,2) NOT NULL DEFAULT 1.00 CHECK (backup_included_tb >= 0),
  backup_per_tb_cents            integer     NOT NULL DEFAULT 0 CHECK (backup_per_tb_cents >= 0),
  created_at                     timestamptz NOT NULL DEFAULT now(),
  updated_at                     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (plan_name, term)
);

CREATE TABLE feature_categories (
  key          text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,49}$'),
  display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
  position     integer NOT NULL DEFAULT 0
);

CREATE TABLE feature_options (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  category     text NOT NULL REFERENCES feature_categories (key) ON DELETE CASCADE,
  value        text NOT NULL CHECK (char_length(value) BETWEEN 1 AND 100),
  description  text,
  UNIQUE (category, value)
);

CREATE TABLE plan_features (
  plan_id     bigint NOT NULL REFERENCES billing_plans (id) ON DELETE CASCADE,
  feature_key text   NOT NULL REFERENCES feature_categories (key) ON DELETE CASCADE,
  value       text   NOT NULL CHECK (char_length(value) BETWEEN 1 AND 100),
  PRIMARY KEY (plan_id, feature_key)
);

CREATE TABLE company_feature_overrides (
  company_id  bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  feature_key text   NOT NULL REFERENCES feature_categories (key) ON DELETE CASCADE,
  value       text   NOT NULL CHECK (char_length(value) BETWEEN 1 AND 100),
  PRIMARY KEY (company_id, feature_key)
);

-- The original's six feature columns become the starting categories.
INSERT INTO feature_categories (key, display_name, position) VALUES
  ('antivirus', 'Antivirus', 1), ('soc', 'SOC', 2), ('password_manager', 'Password manager', 3),
  ('sat', 'Security awareness training', 4), ('email_security', 'Email security', 5),
  ('network_management', 'Network management', 6);
INSERT INTO feature_options (category, value)
  SELECT key, 'Not Included' FROM feature_categories UNION ALL SELECT key, 'Included' FROM feature_categories;

CREATE TABLE psa_agents (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider    text    NOT NULL,
  external_id text    NOT NULL,
  name        text    NOT NULL,
  email       text,
  job_title   text,
  active      boolean NOT NULL DEFAULT true,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  UNIQUE (provider, external_id)
);

CREATE TABLE tickets (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider              text        NOT NULL,
  external_id           text        NOT NULL,
  company_id            bigint      REFERENCES companies (id) ON DELETE SET NULL,
  ticket_number         text        NOT NULL,
  subject               text        NOT NULL DEFAULT '',
  description_text      text,
  status                text        NOT NULL,
  status_id             integer,
  priority              text        NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  priority_id           integer,
  ticket_type           text,
  requester_name        text,
  requester_email       text,
  requester_external_id text,
  responder_external_id text,
  group_external_id     text,
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  closed_at             timestamptz,
  due_by                timestamptz,
  fr_due_by             timestamptz,
  first_responded_at    timestamptz,
  synced_at             timestamptz NOT NULL DEFAULT now(),
  archived_at           timestamptz,
  UNIQUE (provider, external_id)
);
CREATE INDEX tickets_company_idx ON tickets (company_id, updated_at DESC);
CREATE INDEX tickets_status_idx ON tickets (status) WHERE archived_at IS NULL;
CREATE INDEX tickets_updated_idx ON tickets (updated_at DESC, id DESC);

CREATE TABLE ticket_conversations (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id   bigint      NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  external_id text        NOT NULL,
  body_text   text        NOT NULL DEFAULT '',
  private     boolean     NOT NULL DEFAULT false,
  incoming    boolean     NOT NULL DEFAULT false,
  from_email  text,
  created_at  timestamptz NOT NULL,
  UNIQUE (ticket_id, external_id)
);

-- Dated time entries: billing counts the minutes in the month they were worked, not a ticket's
-- lifetime total in the month of its last update.
CREATE TABLE time_entries (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id         bigint      NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  provider          text        NOT NULL,
  external_id       text        NOT NULL,
  entry_date        date        NOT NULL,
  minutes           integer     NOT NULL CHECK (minutes >= 0),
  billable          boolean     NOT NULL DEFAULT true,
  agent_external_id text,
  agent_name        text,
  note              text,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  archived_at       timestamptz,
  UNIQUE (provider, external_id)
);
CREATE INDEX time_entries_date_idx ON time_entries (entry_date) WHERE archived_at IS NULL;
CREATE INDEX time_entries_ticket_idx ON time_entries (ticket_id);

-- Per-user preferences, keyed by the token's `sub` (the original keyed them by e-mail).
CREATE TABLE user_settings (
  user_sub   text PRIMARY KEY CHECK (char_length(user_sub) BETWEEN 1 AND 200),
  theme      text NOT NULL DEFAULT 'light' CHECK (theme IN ('light', 'dark')),
  accent     text NOT NULL DEFAULT 'purple' CHECK (accent IN ('purple', 'blue', 'green', 'teal', 'orange', 'red', 'pink', 'gold', 'yellow', 'bee', 'matrix')),
  home_page  text NOT NULL DEFAULT 'beacon' CHECK (home_page IN ('beacon', 'knowledgetree', 'brainhair', 'codex', 'ledger', 'archive', 'helm')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Secrets (BitLocker and Windows keys): AES-256-GCM, with the asset and kind as associated data.
CREATE TABLE secrets (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  asset_id   bigint      NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  kind       text        NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
  iv         bytea       NOT NULL,
  tag        bytea       NOT NULL,
  ciphertext bytea       NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (asset_id, kind)
);

-- Who did what to billing-relevant data and secrets (who, when, old -> new).
CREATE TABLE audit_events (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor_sub  text        NOT NULL,
  actor_name text        NOT NULL,
  action     text        NOT NULL,
  entity     text        NOT NULL,
  entity_id  text        NOT NULL,
  detail     jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id, at DESC);

CREATE TABLE sync_runs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job          text        NOT NULL,
  trigger      text        NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  requested_by text,
  status       text        NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
  started_at   timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  finished_at  timestamptz,
  phase        text,
  fetched      integer     NOT NULL DEFAULT 0,
  created      integer     NOT NULL DEFAULT 0,
  updated      integer     NOT NULL DEFAULT 0,
  archived     integer     NOT NULL DEFAULT 0,
  errors       jsonb       NOT NULL DEFAULT '[]',
  warnings     jsonb       NOT NULL DEFAULT '[]'
);
-- At most one running run per job, across every instance of codex.
CREATE UNIQUE INDEX sync_runs_one_running ON sync_runs (job) WHERE status = 'running';
CREATE INDEX sync_runs_job_idx ON sync_runs (job, started_at DESC);

-- Admins pause a job's schedule here; credentials stay in configuration.
CREATE TABLE sync_schedules (
  job        text PRIMARY KEY,
  paused     boolean     NOT NULL DEFAULT false,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
