/**
 * Where each vendor's address and credentials come from: the integrations page (stored, sealed)
 * wins over the configuration (`FRESHSERVICE_*`, `DATTO_*`, `SUPEROPS_*` from the master
 * configuration), vendor by vendor, and is read when a run starts, so saving the page needs no
 * restart. Options that are not per-connection (status map, UDF names) stay in the configuration.
 */
import type { CodexConfig } from '../config.js';
import { openIntegrations } from '../db/index.js';
import type { CodexDb } from '../db/index.js';
import { jobsOf, PROVIDERS } from '../domain/index.js';
import type { Connection, ProviderName, SecretKeyring, SyncJobName } from '../domain/index.js';
import { createDattoProvider } from './datto.js';
import { createFreshserviceProvider } from './freshservice.js';
import { DEFAULT_RETRY, type VendorHttpDeps } from './http.js';
import type { SyncProvider } from './provider.js';
import { createSuperOpsProvider } from './superops.js';

/** The connections the configuration holds (vendors with a URL and every credential). */
export function configConnections(config: CodexConfig): Partial<Record<ProviderName, Connection>> {
  const found: Partial<Record<ProviderName, Connection>> = {};
  if (config.FRESHSERVICE_URL !== undefined && config.FRESHSERVICE_API_KEY !== undefined) {
    found.freshservice = {
      provider: 'freshservice',
      baseUrl: config.FRESHSERVICE_URL,
      settings: {},
      credentials: { apiKey: config.FRESHSERVICE_API_KEY },
    };
  }
  if (
    config.DATTO_API_URL !== undefined &&
    config.DATTO_API_KEY !== undefined &&
    config.DATTO_API_SECRET !== undefined
  ) {
    found.datto = {
      provider: 'datto',
      baseUrl: config.DATTO_API_URL,
      settings: {},
      credentials: { apiKey: config.DATTO_API_KEY, apiSecret: config.DATTO_API_SECRET },
    };
  }
  if (
    config.SUPEROPS_API_URL !== undefined &&
    config.SUPEROPS_API_TOKEN !== undefined &&
    config.SUPEROPS_SUBDOMAIN !== undefined
  ) {
    found.superops = {
      provider: 'superops',
      baseUrl: config.SUPEROPS_API_URL,
      settings: { subdomain: config.SUPEROPS_SUBDOMAIN },
      credentials: { apiToken: config.SUPEROPS_API_TOKEN },
    };
  }
  return found;
}

/** The adapter for a connection, with the configuration's vendor options. */
export function providerFromConnection(
  connection: Connection,
  config: CodexConfig,
  http: VendorHttpDeps,
): SyncProvider {
  const retry = { ...DEFAULT_RETRY, timeoutMs: config.VENDOR_TIMEOUT };
  const secret = (name: string) => connection.credentials[name] ?? '';
  switch (connection.provider) {
    case 'freshservice':
      return createFreshserviceProvider({
        baseUrl: connection.baseUrl,
        apiKey: secret('apiKey'),
        statusMap: config.FRESHSERVICE_STATUS_MAP,
        workspaces: config.FRESHSERVICE_WORKSPACES === 'all' ? undefined : config.FRESHSERVICE_WORKSPACES,
        timeZone: config.BUSINESS_TIMEZONE,
        http,
        retry,
      });
    case 'datto':
      return createDattoProvider({
        apiUrl: connection.baseUrl,
        apiKey: secret('apiKey'),
        apiSecret: secret('apiSecret'),
        accountVariable: config.DATTO_ACCOUNT_VARIABLE,
        deviceTypeUdf: config.DATTO_DEVICE_TYPE_UDF,
        backupUdf: config.DATTO_BACKUP_UDF,
        secretUdfs: config.DATTO_SECRET_UDFS,
        http,
        retry,
      });
    case 'superops':
      return createSuperOpsProvider({
        apiUrl: connection.baseUrl,
        apiToken: secret('apiToken'),
        subdomain: connection.settings.subdomain ?? '',
        accountNumberField: config.SUPEROPS_ACCOUNT_NUMBER_FIELD,
        http,
        retry,
      });
  }
}

/**
 * The connection to one vendor in effect now (saved settings win over the configuration), or
 * undefined when there is none; stored settings that cannot be opened fall back to the configuration.
 */
export async function connectionOf(
  db: CodexDb,
  ring: SecretKeyring | undefined,
  config: CodexConfig,
  provider: ProviderName,
): Promise<Connection | undefined> {
  const [entry] = await openIntegrations(db, ring, provider);
  return entry !== undefined && 'connection' in entry ? entry.connection : configConnections(config)[provider];
}

/** Where a vendor's settings come from now. */
export type ConnectionSource = 'page' | 'configuration' | 'none';

/** What the sync uses at this moment: adapters and schedules by job, and the source per vendor. */
export interface ResolvedSync {
  providers: Partial<Record<SyncJobName, SyncProvider>>;
  schedule: Partial<Record<SyncJobName, number>>;
  sources: Record<ProviderName, ConnectionSource>;
  /** Vendors whose stored settings could not be opened, with why (their configuration applies meanwhile). */
  problems: Partial<Record<ProviderName, string>>;
}

/**
 * Reads the stored integrations and combines them with the configuration: per vendor, stored
 * settings win; their schedule per job wins over `SYNC_SCHEDULE`.
 */
export async function resolveSync(
  db: CodexDb,
  ring: SecretKeyring | undefined,
  config: CodexConfig,
  http: VendorHttpDeps,
): Promise<ResolvedSync> {
  const fromConfig = configConnections(config);
  const stored = await openIntegrations(db, ring);
  const resolved: ResolvedSync = {
    providers: {},
    schedule: { ...config.SYNC_SCHEDULE },
    sources: { freshservice: 'none', datto: 'none', superops: 'none' },
    problems: {},
  };
  for (const provider of PROVIDERS) {
    const entry = stored.find((candidate) => candidate.row.provider === provider);
    let connection = fromConfig[provider];
    if (entry !== undefined && 'connection' in entry) {
      connection = entry.connection;
      resolved.sources[provider] = 'page';
      for (const job of jobsOf(provider)) {
        const every = entry.row.schedule[job];
        if (typeof every === 'number') resolved.schedule[job] = every;
      }
    } else {
      if (entry !== undefined && 'unreadable' in entry) resolved.problems[provider] = entry.unreadable;
      if (connection !== undefined) resolved.sources[provider] = 'configuration';
    }
    if (connection === undefined) continue;
    const adapter = providerFromConnection(connection, config, http);
    for (const job of adapter.jobs) resolved.providers[job] = adapter;
  }
  return resolved;
}
