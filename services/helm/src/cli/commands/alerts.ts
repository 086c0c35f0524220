/**
 * `hivematrix alerts`: the open alerts (with `--all`, also the recently resolved ones), read from
 * helm's database. Exits 2 when a high alert is open, so a cron job or a monitoring check can act
 * on it, as `hivematrix audit` does for high findings.
 */
import { listAlerts } from '../../db/index.js';
import type { AlertRow } from '../../db/index.js';
import { withHelmDatabase } from '../helm-database.js';
import { table, type CliContext } from '../io.js';

function row(alert: AlertRow): string[] {
  return [
    alert.severity,
    alert.title,
    alert.openedAt.toISOString(),
    alert.resolvedAt?.toISOString() ?? 'open',
    alert.detail,
  ];
}

export async function alertsCommand(context: CliContext, options: { all?: boolean; json?: boolean }): Promise<number> {
  return withHelmDatabase(context, async (db) => {
    const { open, resolved } = await listAlerts(db);
    const shown = options.all === true ? [...open, ...resolved] : open;
    if (options.json === true) {
      context.io.out(
        `${JSON.stringify(
          shown.map((alert) => ({
            ...alert,
            openedAt: alert.openedAt.toISOString(),
            resolvedAt: alert.resolvedAt?.toISOString() ?? null,
            notifiedAt: alert.notifiedAt?.toISOString() ?? null,
          })),
          null,
          2,
        )}\n`,
      );
    } else if (shown.length === 0) {
      context.io.out('no open alerts\n');
    } else {
      context.io.out(`${table(['SEVERITY', 'ALERT', 'OPENED', 'RESOLVED', 'DETAIL'], shown.map(row))}\n`);
    }
    return open.some((alert) => alert.severity === 'high') ? 2 : 0;
  });
}
