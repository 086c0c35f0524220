/** An in-memory codex for ledger's tests: the same shapes codex's API answers. */
import type { CodexSource } from '../src/codex/source.js';
import type { CodexClient, CodexPlan } from '../src/codex/schemas.js';

/** A time entry as the tests write it: the month read groups them by company. */
export interface FakeEntry {
  id: number;
  ticket_number: string;
  account_number: string | null;
  entry_date: string;
  minutes: number;
  billable: boolean;
}

/** The example plan of reference §3.5 as codex serves it. */
export const BASIC_PLAN: CodexPlan = {
  plan_name: 'Basic Support',
  term: '1 Year',
  support_level: 'Billed Hourly',
  prices_cents: {
    per_user: 5000,
    per_workstation: 7500,
    per_server: 15000,
    per_vm: 10000,
    per_switch: 2500,
    per_firewall: 5000,
    per_hour: 10000,
    backup_base_workstation: 2000,
    backup_base_server: 4000,
    backup_per_tb: 1500,
  },
  backup_included_tb: 1,
};

/** A company with `users` paid contacts and `workstations` workstations. */
export function fakeClient(
  account: string,
  name: string,
  options: { plan?: string | null; users?: number; workstations?: number } = {},
): CodexClient {
  const base = Number(account.replace(/\D/g, '')) * 1000;
  return {
    company: {
      account_number: account,
      name,
      plan_name: options.plan === undefined ? 'Basic Support' : options.plan,
      contract_term: '1 Year',
      contract_start: null,
      support_level: null,
      managed_users: null,
      managed_devices: null,
      archived_at: null,
    },
    contacts: Array.from({ length: options.users ?? 2 }, (_, i) => ({
      id: base + i,
      name: `Person ${i}`,
      email: null,
      active: true,
      archived_at: null,
    })),
    assets: Array.from({ length: options.workstations ?? 1 }, (_, i) => ({
      id: base + i,
      hostname: `WS${i}`,
      billing_type: 'workstation' as const,
      backup_usage_bytes: null,
      archived_at: null,
    })),
    entries: [],
    prior_months: [],
  };
}

/** Whether a record archived at `archivedAt` was present at some time in `month` (the fake's zone is UTC, as codex's rule). */
const presentIn = (archivedAt: string | null, month: string): boolean =>
  archivedAt === null || archivedAt >= `${month}-01T00:00:00.000Z`;

/**
 * A codex source over fixed data, answering the month read as codex does: companies (and their
 * contacts and assets) present at some time in the month, each with its entries of the month and,
 * when asked, its billable minutes of earlier months. `entries` maps `YYYY-MM` to that month's
 * entries; `calls` records each read as `month:<YYYY-MM>[ account:<acct>][ prior:<YYYY-MM>:<accounts>]`.
 */
export function fakeCodex(
  clients: CodexClient[],
  entries: Record<string, FakeEntry[]> = {},
  plans: CodexPlan[] = [BASIC_PLAN],
  agents: string[] = [],
): CodexSource & { calls: string[] } {
  const calls: string[] = [];
  const source: CodexSource & { calls: string[] } = {
    calls,
    // Codex's totals read sums in SQL what its month read lists; the fake sums the same month read.
    async totals(request) {
      const month = await source.month(request);
      calls[calls.length - 1] = `totals:${calls.at(-1) ?? ''}`;
      const contacts = new Set(request.listed.contacts);
      const assets = new Set(request.listed.assets);
      return {
        plans: month.plans,
        agentEmails: month.agentEmails,
        clients: month.clients.map((client) => {
          const groups = new Map<
            string,
            {
              billing_type: CodexClient['assets'][number]['billing_type'];
              count: number;
              backed_up: number;
              backup_bytes: bigint;
            }
          >();
          for (const asset of client.assets.filter((row) => !assets.has(row.id))) {
            const group = groups.get(asset.billing_type) ?? {
              billing_type: asset.billing_type,
              count: 0,
              backed_up: 0,
              backup_bytes: 0n,
            };
            group.count += 1;
            if ((asset.backup_usage_bytes ?? 0) > 0) {
              group.backed_up += 1;
              group.backup_bytes += BigInt(asset.backup_usage_bytes ?? 0);
            }
            groups.set(asset.billing_type, group);
          }
          return {
            company: client.company,
            paid_users: client.contacts.filter(
              (row) =>
                !contacts.has(row.id) &&
                row.active &&
                (row.email === null || !month.agentEmails.has(row.email.toLowerCase())),
            ).length,
            asset_groups: [...groups.values()].map((group) => ({ ...group, backup_bytes: String(group.backup_bytes) })),
            billable_minutes: client.entries
              .filter((entry) => entry.billable && entry.minutes > 0)
              .reduce((sum, entry) => sum + entry.minutes, 0),
            listed_contacts: client.contacts.filter((row) => contacts.has(row.id)),
            listed_assets: client.assets.filter((row) => assets.has(row.id)),
            prior_months: client.prior_months,
          };
        }),
      };
    },
    async month(request) {
      calls.push(
        `month:${request.month}${request.account === undefined ? '' : ` account:${request.account}`}${request.prior === undefined ? '' : ` prior:${request.prior.from}:${request.prior.accounts.join(',')}`}`,
      );
      const listed = clients.filter(
        (client) =>
          presentIn(client.company.archived_at, request.month) &&
          (request.account === undefined || client.company.account_number === request.account),
      );
      return {
        plans,
        agentEmails: new Set(agents.map((email) => email.toLowerCase())),
        clients: listed.map((client) => {
          const account = client.company.account_number;
          const prior =
            request.prior === undefined || !request.prior.accounts.includes(account)
              ? []
              : Object.keys(entries)
                  .filter((key) => key >= (request.prior?.from ?? '') && key < request.month)
                  .sort()
                  .flatMap((key) => {
                    const minutes = (entries[key] ?? [])
                      .filter((entry) => entry.account_number === account && entry.billable)
                      .reduce((sum, entry) => sum + entry.minutes, 0);
                    return minutes === 0 ? [] : [{ month: key, billable_minutes: minutes }];
                  });
          return {
            ...client,
            contacts: client.contacts.filter((contact) => presentIn(contact.archived_at, request.month)),
            assets: client.assets.filter((asset) => presentIn(asset.archived_at, request.month)),
            entries: (entries[request.month] ?? [])
              .filter((entry) => entry.account_number === account)
              .map(({ id, ticket_number, entry_date, minutes, billable }) => ({
                id,
                ticket_number,
                entry_date,
                minutes,
                billable,
              })),
            prior_months: prior,
          };
        }),
      };
    },
  };
  return source;
}
