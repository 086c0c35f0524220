/**
 * Helm's alert when taking access away did not reach the platform (issue 12): identity's error
 * lines for a back-channel logout or a core notice that failed after its retries, shipped into
 * helm's log store, open a high alert at the monitor's next round (delivered to the webhook like
 * any other), and it resolves once no such line is left in the last quarter hour.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase, type Database } from '@hivematrix/sdk/db';
import { createTestDatabase, type TestDatabase } from '@hivematrix/sdk/testing';
import { AlertMonitor } from '../src/alerts/monitor.js';
import { listAlerts } from '../src/db/alerts.js';
import { insertLogEntries } from '../src/db/logs.js';
import { schema } from '../src/db/schema.js';
import { ACCESS_ALERT_KEY } from '../src/identity/access-alert.js';
import { alertSettingsSchema } from '../src/settings/schema.js';
import type { PlatformStatus } from '../src/status.js';
import { STATUS } from './console-harness.js';

describe('helm alert: access changes that did not reach the platform', () => {
  let testDb: TestDatabase;
  let database: Database<typeof schema>;
  let monitor: AlertMonitor;
  let now = new Date('2026-12-06T01:00:00Z');

  before(async () => {
    testDb = await createTestDatabase('helm_access_alert');
    database = openDatabase({ url: testDb.url, applicationName: 'helm-test', schema });
    await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
    monitor = new AlertMonitor({
      db: database.db,
      now: () => now,
      settings: () => alertSettingsSchema.parse({ down_after_s: 30 }),
      publicUrl: 'https://hive.example',
      status: (): PlatformStatus => ({ ...STATUS, services: [] }),
      audit: () => Promise.resolve({ ran_at: '', checks: [], high: false, findings: [] }),
      logger: createLogger({ service: 'helm', level: 'silent' }),
    });
  });
  after(async () => {
    await monitor.stop();
    await database.close();
    await testDb.drop();
  });

  const entry = (at: Date, event: string, level = 'ERROR', service = 'identity') => ({
    timestamp: at,
    serviceName: service,
    level,
    message: `back-channel logout: undeliverable (${event})`,
    context: { event, target: 'https://hive.example' },
  });
  const open = async () => (await listAlerts(database.db)).open.filter((alert) => alert.key === ACCESS_ALERT_KEY);

  it("ignores other lines, opens on identity's undelivered notice, and resolves when it is older than the window", async () => {
    await insertLogEntries(database.db, [
      entry(new Date(now.getTime() - 60_000), 'backchannel_logout', 'WARNING'),
      entry(new Date(now.getTime() - 60_000), 'backchannel_logout_failed', 'ERROR', 'codex'),
    ]);
    await monitor.serviceRound();
    assert.equal((await open()).length, 0, "a retry warning or another service's line is no alert");

    await insertLogEntries(database.db, [entry(new Date(now.getTime() - 60_000), 'backchannel_logout_failed')]);
    await monitor.serviceRound();
    const [alert] = await open();
    assert.ok(alert, 'the alert is open');
    assert.equal(alert.severity, 'high');
    assert.match(alert.detail ?? '', /1 notice\(s\).*undeliverable/);

    await insertLogEntries(database.db, [entry(new Date(now.getTime() - 30_000), 'platform_sessions_revoke_failed')]);
    await monitor.serviceRound();
    assert.equal((await open()).length, 1, 'one alert, not one per line');

    now = new Date(now.getTime() + 16 * 60_000);
    await monitor.serviceRound();
    assert.equal((await open()).length, 0, 'resolved once the window has passed');
  });
});
