/** `hivematrix status [--json]`: every service's name, port, pid, state, health, restarts, uptime and memory. */
import { activeApps, generationContext } from '../../generate/index.js';
import { loadPlatformApps } from '../../registry/index.js';
import { readMasterConfig } from '../../settings/index.js';
import type { PlatformStatus, ServiceStatusView } from '../../status.js';
import { fetchStatus } from '../control-client.js';
import { humanDuration, table, type CliContext } from '../io.js';

/** What `status --json` prints. */
export interface StatusReport {
  running: boolean;
  daemon: PlatformStatus['daemon'] | null;
  services: ServiceStatusView[];
}

/** The status when no daemon runs: every app stopped (or not installed / disabled). */
async function offlineServices(context: CliContext): Promise<ServiceStatusView[]> {
  const config = await readMasterConfig(context.paths.masterConfig);
  const overrides = Object.fromEntries(Object.entries(config?.apps ?? {}).map(([name, app]) => [name, app.port]));
  const platform = await loadPlatformApps(context.paths, { portOverrides: overrides });
  const active =
    config === undefined
      ? undefined
      : new Set(activeApps(generationContext(platform, config, context.paths)).map((app) => app.name));
  return platform.apps.map((app) => ({
    name: app.name,
    kind: app.kind,
    port: app.port,
    url: `${app.scheme}://127.0.0.1:${app.port}`,
    pid: null,
    state: !app.installed ? 'not_installed' : active !== undefined && !active.has(app.name) ? 'disabled' : 'stopped',
    health: 'unknown',
    restarts: 0,
    uptime_s: null,
    memory_mb: null,
    started_at: null,
    message: null,
    log_file: context.paths.logFile(app.name),
    log_tail: [],
  }));
}

/** Collects the status from the daemon, or from disk when it is not running. */
export async function collectStatus(context: CliContext): Promise<StatusReport> {
  const live = await fetchStatus(context.paths);
  if (live !== undefined) return { running: true, daemon: live.daemon, services: live.services };
  return { running: false, daemon: null, services: await offlineServices(context) };
}

/** The status table. */
export function renderStatus(report: StatusReport): string {
  const rows = report.services.map((service) => [
    service.name,
    String(service.port),
    service.pid === null ? '-' : String(service.pid),
    service.state,
    service.health,
    String(service.restarts),
    humanDuration(service.uptime_s),
    service.memory_mb === null ? '-' : `${service.memory_mb} MB`,
  ]);
  const head = report.running
    ? `HiveMatrix is running (helm pid ${report.daemon?.pid ?? '?'}): ${report.daemon?.public_url ?? ''}`
    : 'HiveMatrix is not running (start it with ./start.sh or npx hivematrix start)';
  const notes = report.services.filter(
    (service) =>
      (service.message !== null && ['failed', 'backoff', 'blocked'].includes(service.state)) ||
      (service.message !== null && service.health === 'degraded'),
  );
  const lines = [head, '', table(['NAME', 'PORT', 'PID', 'STATE', 'HEALTH', 'RESTARTS', 'UPTIME', 'MEMORY'], rows)];
  if (notes.length > 0) lines.push('', ...notes.map((service) => `${service.name}: ${service.message ?? ''}`));
  return `${lines.join('\n')}\n`;
}

/** Runs `status`. Exit status 0 when the platform runs (or is cleanly stopped), 1 when a service failed. */
export async function statusCommand(context: CliContext, options: { json?: boolean }): Promise<number> {
  const report = await collectStatus(context);
  context.io.out(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
  return report.services.some((service) => service.state === 'failed') ? 1 : 0;
}
