-- The admin's first-sign-in checklist (routes/setup): what an admin marked done or skipped. A step
-- with no row is open. The password step is never stored as done: it is done when the generated
-- password file is gone, so the checklist cannot disagree with the security audit.
CREATE TABLE setup_steps (
  step        text        PRIMARY KEY,
  state       text        NOT NULL CHECK (state IN ('done', 'skipped')),
  updated_at  timestamptz NOT NULL,
  updated_by  text        NOT NULL
);
