/**
 * The platform home's panels, each read from the service that owns the data (no database of the
 * gateway's own): helm's open alerts and service health, codex's sync runs, ledger's review queue
 * and beacon's board. A panel is asked for only when the user's level could see it and the gateway
 * would let them open the service; the service then applies its own rules to the user's token, and
 * a refusal leaves the panel out. All reads run in parallel under one short timeout each.
 *
 * In development mode (helm's `/api/setup` says `environment: development`, from the master
 * configuration's `system.environment`) an admin's home also reads codex's demo counts, to offer
 * loading the demo MSP when there is none and removing it when there is.
 */
import { z } from 'zod';
import type { PermissionLevel, ServicesFile } from '@hivematrix/sdk';
import { isRoutable, mayOpen } from '../registry/index.js';
import { fetchUpstream, type Fetched, type UpstreamReader } from './fetch-upstream.js';

const setupSchema = z.object({
  steps: z.array(z.object({ step: z.string(), state: z.string() })),
  pending: z.number(),
  /** Absent from an older helm: treated as production (no demo offer). */
  environment: z.enum(['development', 'production']).optional(),
});
const demoSchema = z.object({
  companies: z.number(),
  contacts: z.number(),
  assets: z.number(),
  tickets: z.number(),
  timeEntries: z.number(),
  plans: z.number(),
});
const alertsSchema = z.object({
  open: z.array(
    z.object({
      key: z.string(),
      severity: z.string(),
      title: z.string(),
      detail: z.string().nullable(),
      opened_at: z.string(),
    }),
  ),
});
const servicesSchema = z.object({
  services: z.array(
    z.object({ name: z.string(), state: z.string(), health: z.string(), message: z.string().nullable() }),
  ),
});
const runsSchema = z.array(
  z.object({
    id: z.number(),
    job: z.string(),
    status: z.string(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    errors: z.array(z.string()),
  }),
);
const reviewSchema = z.object({
  period: z.string(),
  flagged: z.array(
    z.object({
      account_number: z.string(),
      name: z.string(),
      accepted_invoice: z.string().nullable(),
      flags: z.array(z.object({ message: z.string() })),
    }),
  ),
});
const boardSchema = z.object({
  rows: z.array(
    z.object({
      id: z.number(),
      number: z.string(),
      subject: z.string(),
      company: z.string().nullable(),
      sla: z.string(),
      reason: z.string(),
    }),
  ),
});

export type SetupProgress = z.infer<typeof setupSchema>;
export type DemoCounts = z.infer<typeof demoSchema>;
export type OpenAlert = z.infer<typeof alertsSchema>['open'][number];
export type ServiceHealth = z.infer<typeof servicesSchema>['services'][number];
export type SyncRun = z.infer<typeof runsSchema>[number];
export type ReviewBill = z.infer<typeof reviewSchema>['flagged'][number];
export type OverdueTicket = z.infer<typeof boardSchema>['rows'][number];

/** Everything the home page shows; a panel the user may not see is `absent` or `forbidden`. */
export interface HomeData {
  /** helm's setup checklist (admins), shown until every step is done or skipped. */
  setup: Fetched<SetupProgress>;
  alerts: Fetched<OpenAlert[]>;
  unhealthy: Fetched<ServiceHealth[]>;
  /** The newest run of each integration's job. */
  syncs: Fetched<SyncRun[]>;
  review: Fetched<{ period: string; bills: ReviewBill[] }>;
  overdue: Fetched<OverdueTicket[]>;
  /** Codex's demo data counts: read for an admin in development mode only, else `absent`. */
  demo: Fetched<DemoCounts>;
}

/** States in which a service is not expected to answer (helm's status vocabulary). */
const NOT_RUNNING_ON_PURPOSE = new Set(['disabled', 'not_installed']);

/** Who could see a panel (the service still decides); mirrors each service's own role guard. */
const PANEL_LEVELS = {
  helm: ['admin'],
  codex: ['admin', 'technician', 'billing'],
  ledger: ['admin', 'billing'],
  beacon: ['admin', 'technician'],
} as const satisfies Record<string, readonly PermissionLevel[]>;

type PanelService = keyof typeof PANEL_LEVELS;

function mayRead(services: ServicesFile, level: PermissionLevel, service: PanelService): boolean {
  const entry = Object.hasOwn(services, service) ? services[service] : undefined;
  if (entry === undefined || !isRoutable(service) || !mayOpen(entry, level)) return false;
  return (PANEL_LEVELS[service] as readonly PermissionLevel[]).includes(level);
}

async function map<T, U>(pending: Promise<Fetched<T>>, to: (data: T) => U): Promise<Fetched<U>> {
  const fetched = await pending;
  return fetched.kind === 'ok' ? { kind: 'ok', data: to(fetched.data) } : fetched;
}

/** The newest run of each job (the API lists newest first). */
export function latestPerJob(runs: readonly SyncRun[]): SyncRun[] {
  const seen = new Map<string, SyncRun>();
  for (const run of runs) if (!seen.has(run.job)) seen.set(run.job, run);
  return [...seen.values()].sort((a, b) => a.job.localeCompare(b.job));
}

/** Reads every panel the user could see, in parallel; never throws. */
export async function loadHome(reader: UpstreamReader, level: PermissionLevel): Promise<HomeData> {
  const absent = Promise.resolve({ kind: 'absent' } as const);
  const read = <T>(service: PanelService, path: string, schema: z.ZodType<T>): Promise<Fetched<T>> =>
    mayRead(reader.services, level, service) ? fetchUpstream(reader, service, path, schema) : absent;
  const setupRead = read('helm', '/api/setup', setupSchema);
  const [setup, alerts, unhealthy, syncs, review, overdue, demo] = await Promise.all([
    setupRead,
    map(read('helm', '/api/alerts', alertsSchema), (data) => data.open),
    map(read('helm', '/api/services', servicesSchema), (data) =>
      data.services.filter((service) => service.health !== 'healthy' && !NOT_RUNNING_ON_PURPOSE.has(service.state)),
    ),
    map(read('codex', '/api/sync/runs?limit=100', runsSchema), latestPerJob),
    map(read('ledger', '/api/review', reviewSchema), (data) => ({
      period: data.period,
      bills: data.flagged.filter((bill) => bill.accepted_invoice === null),
    })),
    map(read('beacon', '/api/board', boardSchema), (data) => data.rows.filter((row) => row.sla === 'overdue')),
    // Loading and removing the demo is codex's admin-only action: asked for admins only, after helm said development.
    setupRead.then((fetched) =>
      level === 'admin' && fetched.kind === 'ok' && fetched.data.environment === 'development'
        ? read('codex', '/api/demo', demoSchema)
        : absent,
    ),
  ]);
  return { setup, alerts, unhealthy, syncs, review, overdue, demo };
}
