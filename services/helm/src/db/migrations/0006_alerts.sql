-- Alerts: conditions an operator must hear about without watching the console (a service that
-- failed or stays down, a scheduled backup that failed, a certificate about to expire, a high
-- finding of the security audit). An alert is open until its condition clears; the partial unique
-- index keeps one open alert per condition, so a flapping check does not pile up duplicates.
-- notified_at / notify_error record the webhook delivery of its opening.
CREATE TABLE alerts (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key           text        NOT NULL,
  severity      text        NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
  title         text        NOT NULL,
  detail        text        NOT NULL,
  opened_at     timestamptz NOT NULL,
  resolved_at   timestamptz,
  notified_at   timestamptz,
  notify_error  text
);

CREATE UNIQUE INDEX alerts_one_open_per_key ON alerts (key) WHERE resolved_at IS NULL;
CREATE INDEX alerts_opened_at_idx ON alerts (opened_at DESC);
