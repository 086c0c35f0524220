/** The shape of one health check, apart from health.ts so the checks it runs (http/drain) can name it. */

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** What one check reports; `unknown` means it could not tell (counted as degraded). */
export interface CheckResult {
  status: HealthStatus | 'unknown';
  [detail: string]: unknown;
}
