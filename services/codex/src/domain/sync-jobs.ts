/**
 * The sync jobs Codex knows: one per provider for its directory (companies, contacts, agents,
 * assets) and one for PSA tickets, which change far more often and are fetched incrementally.
 */

/** The vendors Codex has adapters for. */
export const PROVIDERS = ['freshservice', 'datto', 'superops'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Every sync job, in the order the admin page lists them. */
export const SYNC_JOBS = ['freshservice', 'freshservice-tickets', 'datto', 'superops', 'superops-tickets'] as const;
export type SyncJobName = (typeof SYNC_JOBS)[number];

/** The provider a job talks to. */
export const JOB_PROVIDER: Readonly<Record<SyncJobName, ProviderName>> = {
  freshservice: 'freshservice',
  'freshservice-tickets': 'freshservice',
  datto: 'datto',
  superops: 'superops',
  'superops-tickets': 'superops',
};

/** What a job is called on pages. */
export const JOB_LABEL: Readonly<Record<SyncJobName, string>> = {
  freshservice: 'Freshservice: companies, contacts, agents',
  'freshservice-tickets': 'Freshservice: tickets, conversations, time entries',
  datto: 'Datto RMM: sites and devices',
  superops: 'SuperOps: clients and assets',
  'superops-tickets': 'SuperOps: tickets',
};

/** True when `value` names a sync job. */
export function isSyncJob(value: string): value is SyncJobName {
  return (SYNC_JOBS as readonly string[]).includes(value);
}
