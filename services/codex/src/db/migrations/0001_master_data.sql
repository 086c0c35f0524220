-- Codex's master data: companies, their locations and links to vendor records, contacts and
-- assets. Dates are `date`, instants `timestamptz`, money integer cents (see 0002): the original
-- stored all of these as strings and sorted "dates" as text.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE companies (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The business key every service uses to name a client.
  account_number   text        NOT NULL UNIQUE CHECK (account_number ~ '^[A-Za-z0-9._-]{1,50}$'),
  name             text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  description      text,
  compliance_level text        NOT NULL DEFAULT 'standard' CHECK (compliance_level IN ('standard', 'cjis', 'hipaa')),
  -- One plan field (the original had plan_selected and billing_plan, and Ledger read the other one).
  plan_name        text        CHECK (char_length(plan_name) BETWEEN 1 AND 100),
  -- One spelling of terms everywhere (the original mixed "1 Year" and "1-Year" and lost clients).
  contract_term    text        CHECK (contract_term IN ('Month to Month', '1 Year', '2 Year', '3 Year')),
  contract_start   date,
  -- Computed in one place: the day before the anniversary, none for month-to-month. GREATEST of
  -- the two orders of "add N years, take a day" gets leap days right (29 Feb 2024 -> 28 Feb 2025,
  -- 1 Mar 2023 -> 29 Feb 2024), where PostgreSQL's clamping of 29 Feb alone would not.
  contract_end     date GENERATED ALWAYS AS (
    CASE contract_term
      WHEN '1 Year' THEN greatest(contract_start + interval '1 year' - interval '1 day', contract_start - interval '1 day' + interval '1 year')::date
      WHEN '2 Year' THEN greatest(contract_start + interval '2 years' - interval '1 day', contract_start - interval '1 day' + interval '2 years')::date
      WHEN '3 Year' THEN greatest(contract_start + interval '3 years' - interval '1 day', contract_start - interval '1 day' + interval '3 years')::date
    END
  ) STORED,
  domains          text[]      NOT NULL DEFAULT '{}',
  main_location    text,
  phone            text,
  email_system     text,
  phone_system     text,
  managed_users    integer     CHECK (managed_users >= 0),
  managed_devices  integer     CHECK (managed_devices >= 0),
  managed_network  integer     CHECK (managed_network >= 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  archived_at      timestamptz
);
CREATE INDEX companies_name_idx ON companies (lower(name), id);
CREATE INDEX companies_name_trgm ON companies USING gin (name gin_trgm_ops);
CREATE INDEX companies_account_trgm ON companies USING gin (account_number gin_trgm_ops);

-- A company's records at a vendor: a Freshservice department, Datto sites (several), a SuperOps client.
CREATE TABLE company_links (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id   bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  provider     text        NOT NULL,
  external_id  text        NOT NULL,
  name         text,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, external_id)
);
CREATE INDEX company_links_company_idx ON company_links (company_id);

CREATE TABLE locations (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id   bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 150),
  address      text        NOT NULL CHECK (char_length(address) BETWEEN 1 AND 500),
  phone        text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locations_company_idx ON locations (company_id);

CREATE TABLE contacts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  first_name   text,
  last_name    text,
  -- Not unique: two PSAs, or a shared mailbox, may hold the same address.
  email        text,
  active       boolean     NOT NULL DEFAULT true,
  roles        text[]      NOT NULL DEFAULT '{}',
  job_title    text,
  mobile_phone text,
  work_phone   text,
  vip          boolean     NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  archived_at  timestamptz
);
CREATE INDEX contacts_email_idx ON contacts (lower(email));
CREATE INDEX contacts_name_idx ON contacts (lower(name), id);
CREATE INDEX contacts_search_trgm ON contacts USING gin ((name || ' ' || coalesce(email, '')) gin_trgm_ops);

-- Which companies a contact belongs to; sync replaces its own links and keeps manual ones.
CREATE TABLE contact_companies (
  contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  company_id bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  source     text   NOT NULL DEFAULT 'manual' CHECK (source IN ('sync', 'manual')),
  PRIMARY KEY (contact_id, company_id)
);
CREATE INDEX contact_companies_company_idx ON contact_companies (company_id);

CREATE TABLE contact_links (
  contact_id  bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  provider    text   NOT NULL,
  external_id text   NOT NULL,
  UNIQUE (provider, external_id)
);
CREATE INDEX contact_links_contact_idx ON contact_links (contact_id);

CREATE TABLE assets (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id            bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  hostname              text        NOT NULL CHECK (char_length(hostname) BETWEEN 1 AND 255),
  -- What searches and sorts use: LIKE on a lower-cased copy is several times cheaper per row than
  -- ILIKE, and its trigram index serves any fragment (measured in bench/codex.ts).
  hostname_key          text GENERATED ALWAYS AS (lower(hostname)) STORED,
  hardware_type         text,
  -- The RMM's own classification ("Server", "Network Device / Firewall"), as shown to people.
  rmm_device_type       text,
  -- Derived from rmm_device_type by sync; the override is people's, and sync never writes it.
  billing_type_derived  text        NOT NULL DEFAULT 'workstation'
    CHECK (billing_type_derived IN ('workstation', 'server', 'virtual_machine', 'switch', 'firewall', 'not_billed')),
  billing_type_override text
    CHECK (billing_type_override IN ('workstation', 'server', 'virtual_machine', 'switch', 'firewall', 'not_billed')),
  billing_type          text GENERATED ALWAYS AS (coalesce(billing_type_override, billing_type_derived)) STORED,
  operating_system      text,
  int_ip                inet,
  ext_ip                inet,
  last_seen             timestamptz,
  last_reboot           timestamptz,
  last_audit            timestamptz,
  online                boolean     NOT NULL DEFAULT false,
  patch_status          text,
  backup_usage_bytes    bigint      CHECK (backup_usage_bytes >= 0),
  antivirus_product     text,
  last_logged_in_user   text,
  domain                text,
  site_name             text,
  description           text,
  portal_url            text,
  remote_url            text,
  udfs                  jsonb       NOT NULL DEFAULT '{}',
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  archived_at           timestamptz
);
CREATE INDEX assets_company_idx ON assets (company_id, hostname_key);
CREATE INDEX assets_hostname_idx ON assets (hostname_key, id);
CREATE INDEX assets_hostname_trgm ON assets USING gin (hostname_key gin_trgm_ops);
CREATE INDEX assets_billing_type_idx ON assets (billing_type);

-- A device's identity at the RMM: a renamed device keeps its row, its links and its override.
CREATE TABLE asset_links (
  asset_id    bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  provider    text   NOT NULL,
  external_id text   NOT NULL,
  UNIQUE (provider, external_id)
);
CREATE INDEX asset_links_asset_idx ON asset_links (asset_id);

CREATE TABLE asset_contacts (
  asset_id   bigint NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  PRIMARY KEY (asset_id, contact_id)
);
CREATE INDEX asset_contacts_contact_idx ON asset_contacts (contact_id);
