/** An in-memory codex for ledger's tests: the same shapes codex's API answers. */
import type { CodexSource } from '../src/codex/source.js';
import type { CodexClient, CodexPlan, TimeEntriesAnswer } from '../src/codex/schemas.js';

/** The example plan of reference §3.5 as codex serves it. */
export const BASIC_PLAN: CodexPlan = {
  plan_name: 'Basic Support', term: '1 Year', support_level: 'Billed Hourly',
  prices_cents: {
    per_user: 5000, per_workstation: 7500, per_server: 15000, per_vm: 10000, per_switch: 2500, per_firewall: 5000,
    per_hour: 10000, backup_base_workstation: 2000, backup_base_server: 4000, backup_per_tb: 1500,
  },
  backup_included_tb: 1,
};

/** A company with `users` paid contacts and `workstations` workstations. */
export function fakeClient(account: string, name: string, options: { plan?: string | null; users?: number; workstations?: number } = {}): CodexClient {
  const base = Number(account.replace(/\D/g, '')) * 1000;
  return {
    company: {
      account_number: account, name, plan_name: options.plan === undefined ? 'Basic Support' : options.plan, contract_term: '1 Year',
      contract_start: null, support_level: null, managed_users: null, managed_devices: null,
    },
    contacts: Array.from({ length: options.users ?? 2 }, (_, i) => ({ id: base + i, name: `Person ${i}`, email: null, active: true, archived_at: null })),
    assets: Array.from({ length: options.workstations ?? 1 }, (_, i) => ({ id: base + i, hostname: `WS${i}`, billing_type: 'workstation' as const, backup_usage_bytes: null, archived_at: null })),
  };
}

/** A codex source over fixed data; `entries` maps `YYYY-MM` to that month's answer. */
export function fakeCodex(clients: CodexClient[], entries: Record<string, TimeEntriesAnswer['entries']> = {}, plans: CodexPlan[] = [BASIC_PLAN], agents: string[] = []): CodexSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async clients() { calls.push('clients'); return clients; },
    async plan(name, term) {
      calls.push(`plan:${name}:${term ?? ''}`);
      return plans.find((plan) => plan.plan_name === name && plan.term === (term ?? 'Month to Month')) ?? null;
    },
    async agentEmails() { return new Set(agents); },
    async timeEntries(month) {
      calls.push(`time:${month}`);
      const list = entries[month] ?? [];
      const totals = new Map<string | null, number>();
      for (const entry of list) if (entry.billable) totals.set(entry.account_number, (totals.get(entry.account_number) ?? 0) + entry.minutes);
      return { month, time_zone: 'UTC', entries: list, totals: [...totals].map(([account_number, billable_minutes]) => ({ account_number, billable_minutes })) };
    },
  };
}
