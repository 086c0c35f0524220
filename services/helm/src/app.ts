/**
 * Helm's HTTP app (port 5004): its health, log ingestion from the services, and the operator's
 * console for admins (services and their controls, the audit trail, the logs viewer, the
 * security audit, alerts).
 * Everything comes in through `deps`; the daemon builds them, tests build them with a test
 * database and test keys.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  createHealthCheck,
  createServiceApp,
  installFormParser,
  registerHealthRoute,
  type ServiceApp,
  type TokenVerifier,
} from '@hivematrix/sdk';
import type { HelmDb } from './db/index.js';
import { ingestRoutes } from './routes/logs/ingest.js';
import { backupRoutes, type BackupDeps } from './routes/backups/index.js';
import { servicesRoutes } from './routes/services/index.js';
import type { ServiceControl } from './control.js';
import { logRoutes } from './routes/logs/viewer.js';
import { setupRoutes } from './routes/setup/index.js';
import { securityRoutes, type SecurityDeps } from './routes/security/index.js';
import { servicePages } from './routes/services/pages.js';
import type { PlatformStatus } from './status.js';
import type { IdentityAdmin, PlatformSessions } from './identity/index.js';
import type { HelmPaths } from './paths.js';
import { userPages } from './routes/users/index.js';
import { settingsPages } from './routes/settings/index.js';
import { metricsRoutes } from './routes/metrics/index.js';
import { alertRoutes, type AlertDeps } from './routes/alerts/index.js';

export interface HelmDeps {
  service: string;
  trustedProxies: string[];
  coreUrl: string;
  logger: FastifyBaseLogger;
  db: HelmDb;
  ping: () => Promise<void>;
  verifier: TokenVerifier;
  now: () => Date;
  status: () => PlatformStatus;
  /** Start, stop, restart (the daemon's supervisor). */
  control: ServiceControl;
  /** The security audit and the firewall scripts. */
  security: SecurityDeps;
  /** The gateway's public URL: form posts from its origin are same-site. */
  publicUrl: string;
  /** Requests per caller per minute; log shipping is chatty, so the default is generous. */
  rateLimitPerMinute?: number;
  randomId?: () => string;
  /** Backups in the console (absent: no /backups pages). */
  backups?: Omit<BackupDeps, 'db' | 'now'>;
  /** How often the live log stream looks for new entries (tests shorten it). */
  logPollMs?: number;
  /** The identity provider's admin API (users pages); absent: those pages answer 503. */
  identity?: IdentityAdmin;
  /** Core's revoke-sessions, asked after user actions that take access away. */
  sessions?: PlatformSessions;
  /** Where the master configuration is, and how to tell the daemon it changed (settings pages; absent: 503). */
  settings?: { paths: HelmPaths; reload?: () => Promise<void> };
  /** The alert monitor's channels (absent: alerts are listed, nothing can be tested). */
  alerts?: Omit<AlertDeps, 'db' | 'now'>;
}

/** Builds helm's app without listening. */
export async function buildApp(deps: HelmDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    service: deps.service,
    logger: deps.logger,
    verifier: deps.verifier,
    trustedProxies: deps.trustedProxies,
    rateLimit: { max: deps.rateLimitPerMinute ?? 6000, windowMs: 60_000 },
    // A batch of 10 000 entries of up to 10 000 characters fits; the original capped only the count.
    bodyLimit: 32 * 1024 * 1024,
    publicUrl: deps.publicUrl,
    ...(deps.randomId ? { randomId: deps.randomId } : {}),
  });
  registerHealthRoute(
    app,
    createHealthCheck({
      service: deps.service,
      database: { ping: deps.ping },
      dependencies: [{ name: 'core', url: deps.coreUrl }],
    }),
  );
  await app.register(ingestRoutes, { db: deps.db, now: deps.now });
  installFormParser(app);
  const actions = { db: deps.db, control: deps.control, status: deps.status, now: deps.now };
  await app.register(servicesRoutes, actions);
  await app.register(servicePages, actions);
  await app.register(securityRoutes, deps.security);
  if (deps.backups !== undefined) await app.register(backupRoutes, { ...deps.backups, db: deps.db, now: deps.now });
  await app.register(logRoutes, { db: deps.db, status: deps.status, pollMs: deps.logPollMs ?? 1000 });
  await app.register(userPages, { identity: deps.identity, db: deps.db, now: deps.now, sessions: deps.sessions });
  await app.register(setupRoutes, {
    db: deps.db,
    now: deps.now,
    status: deps.status,
    identity: deps.identity,
    masterConfigFile: deps.settings?.paths.masterConfig,
  });
  await app.register(settingsPages, {
    settings: deps.settings === undefined ? undefined : { ...deps.settings, db: deps.db, now: deps.now },
    actions,
  });
  await app.register(metricsRoutes, { db: deps.db, status: deps.status, now: deps.now });
  await app.register(alertRoutes, {
    db: deps.db,
    now: deps.now,
    channels: deps.alerts?.channels ?? (() => []),
    sendTest: deps.alerts?.sendTest ?? (() => Promise.reject(new Error('the alert monitor is not running'))),
  });
  return app;
}
