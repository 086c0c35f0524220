-- One sample per service every few seconds, taken by helm's metrics sampler: CPU (percent of
-- one core, over the whole process group), resident memory, the restart counter, and the state
-- and health at that moment (the health history is read from these). Kept for a bounded time
-- (system.metrics_retention_days) and pruned by the sampler.
CREATE TABLE service_metrics (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL,
  service_name text        NOT NULL,
  state        text        NOT NULL,
  health       text        NOT NULL,
  pid          integer,
  cpu_percent  real,
  memory_mb    real,
  restarts     integer     NOT NULL DEFAULT 0
);

CREATE INDEX service_metrics_service_at_idx ON service_metrics (service_name, at DESC);
CREATE INDEX service_metrics_at_idx ON service_metrics (at);
