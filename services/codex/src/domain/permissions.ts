/**
 * Who may do what in Codex: the permission matrix as one plain function, so every route asks the
 * same question and the tests can walk the whole table.
 *
 * The original let any signed-in user, `client` included, read every company and edit billing
 * plans, and showed BitLocker keys to everybody (reference §2.7 item 6). Here:
 * - clients read only the companies they are a contact of, and change nothing but their own settings;
 * - technicians read everything, edit operational data (companies, contacts, locations), add notes to
 *   tickets and run syncs;
 * - billing reads everything and edits plans, company plans, feature overrides and asset billing types;
 * - admins do all of that, manage integrations and reveal secrets.
 * Service tokens never pass these checks: a route names the services it accepts (see `SERVICE_ACCESS`).
 */
import type { PermissionLevel } from '@hivematrix/sdk';

export const ACTIONS = [
  'directory:read',
  'directory:bulk',
  'company:edit',
  'contact:edit',
  'plan:read',
  'plan:edit',
  'company:plan',
  'asset:billing',
  'ticket:read',
  'ticket:note',
  'time:read',
  'sync:read',
  'sync:run',
  'integration:manage',
  'secret:list',
  'secret:reveal',
  'audit:read',
] as const;
export type Action = (typeof ACTIONS)[number];

const MATRIX: Readonly<Record<PermissionLevel, ReadonlySet<Action>>> = {
  admin: new Set(ACTIONS),
  technician: new Set<Action>([
    'directory:read',
    'directory:bulk',
    'company:edit',
    'contact:edit',
    'plan:read',
    'ticket:read',
    // Notes on tickets (written through to the PSA): the people who work tickets.
    'ticket:note',
    'time:read',
    'sync:read',
    'sync:run',
    'secret:list',
  ]),
  billing: new Set<Action>([
    'directory:read',
    'directory:bulk',
    'plan:read',
    'plan:edit',
    'company:plan',
    'asset:billing',
    'ticket:read',
    'time:read',
    'sync:read',
    'audit:read',
  ]),
  // A client reads its own companies' directory and tickets; scoping is applied by `companyScope`.
  client: new Set<Action>(['directory:read', 'ticket:read']),
};

/** True when a user of `level` may perform `action`. */
export function can(level: PermissionLevel, action: Action): boolean {
  return MATRIX[level].has(action);
}

/** Which companies a caller sees: all of them, or only the listed ids (clients). */
export type CompanyScope = { kind: 'all' } | { kind: 'only'; companyIds: readonly number[] };

/**
 * The company scope of a caller. Staff and allowed services see everything; a client sees the
 * companies whose contacts carry the client's e-mail address (none when there is no match).
 */
export function companyScope(level: PermissionLevel | 'service', clientCompanyIds: readonly number[]): CompanyScope {
  return level === 'client' ? { kind: 'only', companyIds: clientCompanyIds } : { kind: 'all' };
}

/** True when a scope lets the caller see company `id`. */
export function inScope(scope: CompanyScope, companyId: number | null): boolean {
  if (scope.kind === 'all') return true;
  return companyId !== null && scope.companyIds.includes(companyId);
}

/**
 * The services each group of routes accepts with a service token, named per route (the original
 * let every service token through every check). Reads only: services write through the user's
 * token when a person asked for the change.
 */
export const SERVICE_ACCESS = {
  companies: ['ledger', 'beacon', 'brainhair', 'helm', 'knowledgetree'],
  companiesBulk: ['ledger'],
  assets: ['ledger', 'brainhair', 'beacon', 'knowledgetree'],
  contacts: ['ledger', 'brainhair', 'beacon', 'knowledgetree'],
  plans: ['ledger', 'brainhair'],
  tickets: ['ledger', 'beacon', 'brainhair', 'knowledgetree'],
  ticketsActive: ['beacon', 'brainhair'],
  timeEntries: ['ledger'],
  billingMonth: ['ledger'],
  agents: ['beacon', 'ledger'],
  psaConfig: ['beacon', 'brainhair'],
  userSettings: ['nexus'],
  syncRuns: ['helm', 'beacon'],
  // No service starts a sync: beacon's "Sync now" goes with the user's own token, so a client
  // user cannot start one through it (the original's confused deputy, reference kt-brainhair-beacon §4.5 item 3).
  syncTickets: [],
} as const satisfies Record<string, readonly string[]>;
