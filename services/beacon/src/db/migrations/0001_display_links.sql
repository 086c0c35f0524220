-- Wall-screen display links. A TV cannot sign in, so an admin gives it a link holding a long
-- random token; only the token's SHA-256 is stored, so a leaked database opens no screen.
CREATE TABLE display_links (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  token_hash     text        NOT NULL UNIQUE,
  view_slug      text        NOT NULL,
  agent          text,
  company        text,
  priority       text CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  fields         text[]      NOT NULL,
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz,
  revoked_by     text,
  created_by     text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_used_at   timestamptz,
  last_used_from text
);

CREATE INDEX display_links_created_idx ON display_links (created_at DESC);
