-- Core's signing keys, shared by every core instance (issue 19: no local file). The private key
-- is sealed with AES-256-GCM under a key derived from core's secret (domain/keys/key-sealing.ts);
-- `sealed_with` names that key (a hash of it) so a changed secret is reported as such. Times are
-- unix seconds, like JWT claims. Changes are made under an advisory lock by one instance; the
-- others re-read this small table every KEYS_SYNC_MS.

CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  -- Insertion order: of two keys signing from the same second, the later one signs.
  serial bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  created_at bigint NOT NULL,
  signs_from bigint NOT NULL,
  retire_after bigint,
  private_key bytea NOT NULL,
  sealed_with text NOT NULL
);
