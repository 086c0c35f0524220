/**
 * The platform's status as helm reports it: `GET /api/services`, the control socket's
 * `GET /status`, and `hivematrix status --json` all answer this shape.
 */
import { z } from 'zod';

export const serviceStatusSchema = z.object({
  name: z.string(),
  kind: z.enum(['core', 'app']),
  port: z.number().int(),
  url: z.string(),
  pid: z.number().int().nullable(),
  /** stopped, starting, running, backoff, stopping, failed, blocked, disabled, not_installed. */
  state: z.string(),
  /** healthy, degraded, unhealthy, down, unknown. */
  health: z.string(),
  restarts: z.number().int(),
  uptime_s: z.number().nullable(),
  memory_mb: z.number().nullable(),
  started_at: z.string().nullable(),
  message: z.string().nullable(),
  log_file: z.string(),
  log_tail: z.array(z.string()),
});
export type ServiceStatusView = z.infer<typeof serviceStatusSchema>;

export const stepSchema = z.object({
  name: z.string(),
  /** done: healthy; degraded: up but not healthy in time; skipped: not installed, disabled or blocked. */
  state: z.enum(['pending', 'running', 'done', 'degraded', 'failed', 'skipped']),
  detail: z.string().nullable(),
  elapsed_ms: z.number().nullable(),
});
export type StepView = z.infer<typeof stepSchema>;

export const platformStatusSchema = z.object({
  daemon: z.object({
    pid: z.number().int(),
    /** booting while the start sequence runs, then running, or stopping. */
    state: z.enum(['booting', 'running', 'stopping']),
    started_at: z.string(),
    public_url: z.string(),
    admin_password_file: z.string(),
    /** The passphrase file of scheduled backups; null when they are not encrypted. */
    backup_passphrase_file: z.string().nullable().optional(),
    steps: z.array(stepSchema),
    /** Set when the start sequence could not complete. */
    error: z.string().nullable(),
    /**
     * Set when helm runs no process (external mode): who does, e.g. "Kubernetes". The console
     * then shows no start/stop buttons and the actions answer 409.
     */
    managed_by: z.string().nullable().optional(),
  }),
  services: z.array(serviceStatusSchema),
});
export type PlatformStatus = z.infer<typeof platformStatusSchema>;
