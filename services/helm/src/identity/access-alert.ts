/**
 * The operator's alert when taking access away did not reach the platform: identity logs an
 * error (`event` `backchannel_logout_failed` or `platform_sessions_revoke_failed`) when a
 * back-channel logout to the gateway, or its call asking core to end a user's sessions, still
 * failed after its retries. Those lines arrive in helm's log store; one in the last quarter hour
 * opens the alert, none resolves it.
 */
import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import { logEntries } from '../db/index.js';
import type { AlertInput, HelmDb } from '../db/index.js';

/** The alert's key. */
export const ACCESS_ALERT_KEY = 'access:delivery';
/** How far back a failure keeps the alert open. */
export const ACCESS_ALERT_WINDOW_MS = 15 * 60_000;
/** The events identity logs for a delivery that never succeeded. */
export const UNDELIVERED_EVENTS = ['backchannel_logout_failed', 'platform_sessions_revoke_failed'] as const;

/** Identity's undelivered notices since `since`: how many, and the latest message. */
export async function undeliveredSince(db: HelmDb, since: Date): Promise<{ count: number; latest: string | null }> {
  const rows = await db
    .select({ message: logEntries.message, count: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(logEntries)
    .where(
      and(
        eq(logEntries.serviceName, 'identity'),
        inArray(logEntries.level, ['ERROR', 'CRITICAL']),
        gt(logEntries.timestamp, since),
        inArray(sql<string>`${logEntries.context} ->> 'event'`, [...UNDELIVERED_EVENTS]),
      ),
    )
    .orderBy(desc(logEntries.timestamp))
    .limit(1);
  const [row] = rows;
  return row === undefined ? { count: 0, latest: null } : { count: row.count, latest: row.message };
}

/** The alert to open for `count` failures, or null to resolve it. */
export function accessAlert(found: { count: number; latest: string | null }): AlertInput | null {
  if (found.count === 0) return null;
  return {
    key: ACCESS_ALERT_KEY,
    severity: 'high',
    title: 'Taking access away did not reach the platform',
    detail:
      `${found.count} notice(s) from identity to the gateway or core failed after retries in the last 15 minutes (latest: ${found.latest ?? 'unknown'}). ` +
      'A disabled, deleted or demoted user may keep a platform session until its next token refresh (within the hour). ' +
      "Check that the gateway and core are running, and that identity trusts the gateway's certificate (IDENTITY_BACKCHANNEL_CA_FILE); " +
      "end the user's sessions again from the users page once fixed.",
  };
}
