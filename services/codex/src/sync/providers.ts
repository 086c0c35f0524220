/** The adapters the configuration enables, keyed by the jobs they serve. */
import type { CodexConfig } from '../config.js';
import { createDattoProvider } from './datto.js';
import { createFreshserviceProvider } from './freshservice.js';
import { DEFAULT_RETRY, type VendorHttpDeps } from './http.js';
import type { SyncJobName } from '../domain/index.js';
import type { SyncProvider } from './provider.js';
import { createSuperOpsProvider } from './superops.js';

/** Which integrations are configured, without their credentials (for pages and /api/psa/config). */
export function integrationStatus(
  config: CodexConfig,
): { provider: string; configured: boolean; endpoint: string | null }[] {
  return [
    {
      provider: 'freshservice',
      configured: config.FRESHSERVICE_URL !== undefined && config.FRESHSERVICE_API_KEY !== undefined,
      endpoint: config.FRESHSERVICE_URL ?? null,
    },
    {
      provider: 'datto',
      configured:
        config.DATTO_API_URL !== undefined &&
        config.DATTO_API_KEY !== undefined &&
        config.DATTO_API_SECRET !== undefined,
      endpoint: config.DATTO_API_URL ?? null,
    },
    {
      provider: 'superops',
      configured:
        config.SUPEROPS_API_URL !== undefined &&
        config.SUPEROPS_API_TOKEN !== undefined &&
        config.SUPEROPS_SUBDOMAIN !== undefined,
      endpoint: config.SUPEROPS_API_URL ?? null,
    },
  ];
}

/** Builds an adapter for every vendor whose URL and credentials are configured. */
export function providersFromConfig(
  config: CodexConfig,
  http: VendorHttpDeps,
): Partial<Record<SyncJobName, SyncProvider>> {
  const retry = { ...DEFAULT_RETRY, timeoutMs: config.VENDOR_TIMEOUT };
  const providers: SyncProvider[] = [];
  if (config.FRESHSERVICE_URL !== undefined && config.FRESHSERVICE_API_KEY !== undefined) {
    providers.push(
      createFreshserviceProvider({
        baseUrl: config.FRESHSERVICE_URL,
        apiKey: config.FRESHSERVICE_API_KEY,
        statusMap: config.FRESHSERVICE_STATUS_MAP,
        workspaces: config.FRESHSERVICE_WORKSPACES === 'all' ? undefined : config.FRESHSERVICE_WORKSPACES,
        timeZone: config.BUSINESS_TIMEZONE,
        http,
        retry,
      }),
    );
  }
  if (
    config.DATTO_API_URL !== undefined &&
    config.DATTO_API_KEY !== undefined &&
    config.DATTO_API_SECRET !== undefined
  ) {
    providers.push(
      createDattoProvider({
        apiUrl: config.DATTO_API_URL,
        apiKey: config.DATTO_API_KEY,
        apiSecret: config.DATTO_API_SECRET,
        accountVariable: config.DATTO_ACCOUNT_VARIABLE,
        deviceTypeUdf: config.DATTO_DEVICE_TYPE_UDF,
        backupUdf: config.DATTO_BACKUP_UDF,
        secretUdfs: config.DATTO_SECRET_UDFS,
        http,
        retry,
      }),
    );
  }
  if (
    config.SUPEROPS_API_URL !== undefined &&
    config.SUPEROPS_API_TOKEN !== undefined &&
    config.SUPEROPS_SUBDOMAIN !== undefined
  ) {
    providers.push(
      createSuperOpsProvider({
        apiUrl: config.SUPEROPS_API_URL,
        apiToken: config.SUPEROPS_API_TOKEN,
        subdomain: config.SUPEROPS_SUBDOMAIN,
        accountNumberField: config.SUPEROPS_ACCOUNT_NUMBER_FIELD,
        http,
        retry,
      }),
    );
  }
  const byJob: Partial<Record<SyncJobName, SyncProvider>> = {};
  for (const provider of providers) for (const job of provider.jobs) byJob[job] = provider;
  return byJob;
}
