-- Identity: the realm's users and groups, login lockout state, and the OpenID provider's own
-- records (sessions, codes, tokens, grants), so that a restart logs nobody out and several
-- instances can serve one realm.

-- Usernames and e-mail addresses are stored lower-cased, as Keycloak does; the unique indexes on
-- lower() make the rule explicit even for rows written by hand.
CREATE TABLE users (
  id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  username           text        NOT NULL CHECK (username = lower(username) AND char_length(username) BETWEEN 1 AND 255),
  email              text        CHECK (email IS NULL OR (email = lower(email) AND char_length(email) <= 254)),
  first_name         text        CHECK (first_name IS NULL OR char_length(first_name) <= 255),
  last_name          text        CHECK (last_name IS NULL OR char_length(last_name) <= 255),
  enabled            boolean     NOT NULL DEFAULT false,
  email_verified     boolean     NOT NULL DEFAULT false,
  -- argon2id PHC string; NULL: the user has no password and cannot log in.
  password_hash      text,
  -- Set by an admin for a one-time password: the next login must choose a new one.
  temporary_password boolean     NOT NULL DEFAULT false,
  failed_attempts    integer     NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until       timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE groups (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text        NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 255),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The groups core maps to permission levels (admins → admin, technicians → technician,
-- billing → billing, anything else → client).
INSERT INTO groups (name) VALUES ('admins'), ('technicians'), ('billing'), ('client');

CREATE TABLE memberships (
  user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  group_id   uuid        NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, group_id)
);

CREATE INDEX memberships_group_idx ON memberships (group_id);

-- Failed logins for usernames that do not exist, counted exactly like a real user's, so that
-- the lockout answer tells nobody whether a username exists.
CREATE TABLE login_failures (
  username     text        PRIMARY KEY CHECK (char_length(username) <= 255),
  failures     integer     NOT NULL DEFAULT 0 CHECK (failures >= 0),
  locked_until timestamptz,
  updated_at   timestamptz NOT NULL
);

CREATE INDEX login_failures_updated_idx ON login_failures (updated_at);

-- oidc-provider's adapter storage: one row per model instance (Session, Interaction,
-- AuthorizationCode, AccessToken, RefreshToken, ClientCredentials, Grant, ...).
CREATE TABLE oidc_payloads (
  kind        text        NOT NULL,
  id          text        NOT NULL,
  payload     jsonb       NOT NULL,
  grant_id    text,
  uid         text,
  user_code   text,
  expires_at  timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (kind, id)
);

CREATE INDEX oidc_payloads_grant_idx ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_payloads_uid_idx ON oidc_payloads (kind, uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_payloads_user_code_idx ON oidc_payloads (kind, user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_payloads_expires_idx ON oidc_payloads (expires_at);
-- Every session and token of a user, for "log this user out everywhere".
CREATE INDEX oidc_payloads_account_idx ON oidc_payloads ((payload ->> 'accountId')) WHERE payload ? 'accountId';

-- Keys every instance must share: the token signing keys and the cookie signing keys.
CREATE TABLE provider_secrets (
  name       text        PRIMARY KEY,
  value      jsonb       NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
