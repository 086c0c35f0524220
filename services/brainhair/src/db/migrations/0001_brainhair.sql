-- Brainhair's chats, their transcript (what the model saw), approval requests with their audit
-- trail, and per-user daily usage. Chats belong to one user (owner_sub, the token's subject).
CREATE TABLE chats (
  id              uuid        PRIMARY KEY,
  owner_sub       text        NOT NULL,
  owner_name      text        NOT NULL,
  title           text        NOT NULL DEFAULT 'New chat' CHECK (char_length(title) BETWEEN 1 AND 120),
  company_account text        CHECK (company_account IS NULL OR char_length(company_account) <= 50),
  ticket_id       integer     CHECK (ticket_id IS NULL OR ticket_id > 0),
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX chats_owner_updated_idx ON chats (owner_sub, updated_at DESC);

-- role: user | assistant. status: complete | stopped | error. mode: model | search.
CREATE TABLE messages (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chat_id    uuid        NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  role       text        NOT NULL CHECK (role IN ('user', 'assistant')),
  content    text        NOT NULL,
  status     text        NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'stopped', 'error')),
  mode       text        NOT NULL DEFAULT 'model' CHECK (mode IN ('model', 'search')),
  created_at timestamptz NOT NULL
);
CREATE INDEX messages_chat_idx ON messages (chat_id, id);

-- One tool call of an assistant message: its validated input and the redacted output the model saw.
CREATE TABLE tool_calls (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chat_id     uuid        NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  message_id  bigint      REFERENCES messages (id) ON DELETE CASCADE,
  call_id     text        NOT NULL,
  tool        text        NOT NULL,
  input       jsonb       NOT NULL,
  output      text        NOT NULL,
  status      text        NOT NULL CHECK (status IN ('ok', 'error', 'approval_requested', 'refused')),
  created_at  timestamptz NOT NULL
);
CREATE INDEX tool_calls_chat_idx ON tool_calls (chat_id, id);

-- A write the model proposed. Bound to its owner, chat and the exact arguments (args_hash over
-- tool, arguments, owner and chat); `request` is the exact call approval will make.
-- chat_id becomes NULL when the chat is deleted, so the audit survives it.
CREATE TABLE approvals (
  id          uuid        PRIMARY KEY,
  owner_sub   text        NOT NULL,
  owner_name  text        NOT NULL,
  chat_id     uuid        REFERENCES chats (id) ON DELETE SET NULL,
  tool        text        NOT NULL,
  args        jsonb       NOT NULL,
  args_hash   text        NOT NULL CHECK (args_hash ~ '^[0-9a-f]{64}$'),
  summary     text        NOT NULL,
  before      jsonb       NOT NULL,
  after       jsonb       NOT NULL,
  request     jsonb       NOT NULL,
  status      text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'executing', 'executed', 'denied', 'expired', 'failed')),
  result      jsonb,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  decided_at  timestamptz
);
CREATE INDEX approvals_owner_idx ON approvals (owner_sub, created_at DESC);
CREATE INDEX approvals_chat_idx ON approvals (chat_id);

-- Every request, decision, refusal and execution; never updated or deleted.
CREATE TABLE approval_events (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  approval_id uuid        NOT NULL,
  actor_sub   text        NOT NULL,
  actor_name  text        NOT NULL,
  action      text        NOT NULL CHECK (action IN ('requested', 'approved', 'denied', 'executed', 'failed', 'refused', 'expired')),
  detail      jsonb       NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL
);
CREATE INDEX approval_events_at_idx ON approval_events (at DESC);
CREATE FUNCTION approval_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'approval_events is append-only';
END $$;
CREATE TRIGGER approval_events_no_change BEFORE UPDATE OR DELETE ON approval_events
  FOR EACH ROW EXECUTE FUNCTION approval_events_append_only();

-- Tokens and tool calls per user per day (UTC), for the limits and the admin usage page.
CREATE TABLE usage_daily (
  user_sub      text    NOT NULL,
  day           date    NOT NULL,
  user_name     text    NOT NULL,
  input_tokens  bigint  NOT NULL DEFAULT 0,
  output_tokens bigint  NOT NULL DEFAULT 0,
  tool_calls    integer NOT NULL DEFAULT 0,
  messages      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (user_sub, day)
);
