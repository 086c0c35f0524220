-- Core's sessions and revocation log, for an install without Redis: a restart of core (or of the
-- whole platform) then loses neither a session nor a revocation, so a revoked token whose `exp`
-- has not passed is still refused after the restart. Times are epoch milliseconds except
-- token_exp and exp (unix seconds, like JWT claims), as in the in-memory and Redis stores.

CREATE TABLE sessions (
  id text PRIMARY KEY,
  sub text NOT NULL,
  username text NOT NULL,
  name text NOT NULL,
  email text NOT NULL,
  permission_level text NOT NULL,
  groups text[] NOT NULL,
  identity_sid text,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  last_refresh_at bigint,
  token_exp bigint NOT NULL,
  revoked_at bigint
);
CREATE INDEX sessions_sub_idx ON sessions (sub);
CREATE INDEX sessions_identity_sid_idx ON sessions (identity_sid) WHERE identity_sid IS NOT NULL;
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- One row holding the last sequence number. Revocations update it inside their transaction, so
-- the row lock serialises them: commit order equals sequence order, and a consumer that caught
-- up to seq N can never later meet a smaller number committed after it. Pruning the log never
-- lowers it (max(seq) would).
CREATE TABLE revocation_seq (
  id smallint PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL
);
INSERT INTO revocation_seq (id, seq) VALUES (1, 0);

CREATE TABLE revocations (
  seq bigint PRIMARY KEY,
  jti text NOT NULL,
  exp bigint NOT NULL
);
CREATE INDEX revocations_exp_idx ON revocations (exp);
