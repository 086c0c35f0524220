/**
 * When a condition becomes an alert, as plain functions of what helm sees (no I/O):
 * - a service that `failed` (gave up after repeated crashes, or could not start) at once;
 * - a service that should run but has not answered its health check for `downAfterMs` (running
 *   but down or unhealthy, crash-looping in backoff, or stuck starting);
 * - a scheduled backup that failed (until one succeeds);
 * - a high finding of the security audit, and any finding about the gateway's certificate.
 * A service that runs and answers, or that is not meant to run (stopped by an admin, disabled,
 * not installed), clears its alerts; so does a finding that is no longer reported.
 */
import type { AlertInput } from '../db/index.js';
import type { AuditReport } from '../security/index.js';
import type { ServiceStatusView } from '../status.js';

/** What to open and which keys to resolve after a round. */
export interface AlertDecision {
  raise: AlertInput[];
  resolve: string[];
}

/** States in which a service is not meant to run: nothing to alert about. */
const AT_REST = new Set(['stopped', 'stopping', 'disabled', 'not_installed', 'blocked']);
/** Healths of a service that answers (degraded: it answers but a dependency does not). */
const ANSWERING = new Set(['healthy', 'degraded']);

export const serviceKeys = (name: string) => ({ failed: `service:${name}:failed`, down: `service:${name}:down` });

/**
 * One round over the services. `downSince` (service → ms) is the monitor's memory of when each
 * service stopped answering; it is updated here.
 */
export function serviceAlerts(
  services: readonly ServiceStatusView[],
  downSince: Map<string, number>,
  now: number,
  downAfterMs: number,
): AlertDecision {
  const decision: AlertDecision = { raise: [], resolve: [] };
  for (const service of services) {
    const keys = serviceKeys(service.name);
    const up = service.state === 'running' && ANSWERING.has(service.health);
    if (up || AT_REST.has(service.state)) {
      downSince.delete(service.name);
      decision.resolve.push(keys.failed, keys.down);
      continue;
    }
    const why = service.message === null || service.message === '' ? '' : ` ${service.message}`;
    if (service.state === 'failed') {
      decision.raise.push({
        key: keys.failed,
        severity: 'high',
        title: `${service.name} failed`,
        detail: `Helm gave up on ${service.name} after ${service.restarts} restart(s).${why}`,
      });
      continue;
    }
    const since = downSince.get(service.name) ?? now;
    downSince.set(service.name, since);
    if (now - since >= downAfterMs) {
      const seconds = Math.round((now - since) / 1000);
      decision.raise.push({
        key: keys.down,
        severity: 'high',
        title: `${service.name} is down`,
        detail: `${service.name} has not answered for ${seconds} s (state ${service.state}, health ${service.health}, ${service.restarts} restart(s)).${why}`,
      });
    }
  }
  return decision;
}

/**
 * The alert key of an audit finding: its check and title, but for the certificate its severity,
 * since that title counts the days left: one alert per step (low, medium, high), not one a day.
 */
export function findingKey(finding: { check: string; title: string; severity: string }): string {
  return finding.check === 'certificate'
    ? `audit:certificate:${finding.severity}`
    : `audit:${finding.check}:${finding.title}`;
}

/** One audit: its high findings and certificate findings are alerts; open audit alerts no longer reported resolve. */
export function auditAlerts(report: AuditReport, openAuditKeys: readonly string[]): AlertDecision {
  const raise = report.findings
    .filter((finding) => finding.severity === 'high' || finding.check === 'certificate')
    .map((finding): AlertInput => ({
      key: findingKey(finding),
      severity: finding.severity,
      title: finding.title,
      detail: `${finding.detail} Fix: ${finding.fix}`,
    }));
  const current = new Set(raise.map((alert) => alert.key));
  return { raise, resolve: openAuditKeys.filter((key) => !current.has(key)) };
}

/** The key of the scheduled backup's alert. */
export const BACKUP_ALERT_KEY = 'backup:scheduled';

/** The alert of a scheduled backup that failed. */
export function backupFailedAlert(error: unknown): AlertInput {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    key: BACKUP_ALERT_KEY,
    severity: 'high',
    title: 'The scheduled backup failed',
    detail: `${reason}. No backup is made until this is fixed; the next try is within 10 minutes.`,
  };
}
