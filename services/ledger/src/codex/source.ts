/**
 * Where ledger reads codex: an interface (tests pass an in-memory one) and its implementation over
 * the SDK's service client. Plans are looked up once per (plan, term) per computation.
 */
import { ServiceCallError, type ServiceClient } from '@hivematrix/sdk';
import { agentsAnswer, bulkPage, codexPlan, monthTotalsAnswer, timeEntriesAnswer, type CodexClient, type CodexPlan, type TimeEntriesAnswer } from './schemas.js';

/** What ledger needs from codex. */
export interface CodexSource {
  /** Every active company with its assets and contacts. */
  clients(): Promise<CodexClient[]>;
  /** The plan's prices for a plan and term, or null when codex knows no such plan. */
  plan(planName: string, term: string | null): Promise<CodexPlan | null>;
  /** The time entries worked in a month (`YYYY-MM`) with per-company totals. */
  timeEntries(month: string): Promise<TimeEntriesAnswer>;
  /**
   * Only the per-company totals of a month (the yearly drawdown needs no entries). Optional: a
   * source without it is asked for `timeEntries`. Over HTTP codex sums them in the database
   * (`/api/tickets/time-entries/totals`), so no entry list is built, sent or parsed.
   */
  monthTotals?(month: string): Promise<TimeEntriesAnswer['totals']>;
  /** Lower-cased e-mail addresses of the MSP's own PSA agents (their contacts are never billed). */
  agentEmails(): Promise<Set<string>>;
}

const PAGE_SIZE = 500;

/** The codex source over HTTP with service tokens. */
export function httpCodexSource(client: ServiceClient): CodexSource {
  return {
    async clients() {
      const all: CodexClient[] = [];
      for (let page = 1; ; page += 1) {
        const answer = await client.call('codex', '/api/companies/bulk', { query: { page: String(page), per_page: String(PAGE_SIZE) }, schema: bulkPage });
        all.push(...answer.items);
        if (answer.items.length === 0 || page * PAGE_SIZE >= answer.total) return all;
      }
    },
    async plan(planName, term) {
      try {
        return await client.call('codex', '/api/billing-plans/lookup', { query: { plan_name: planName, ...(term === null ? {} : { term }) }, schema: codexPlan });
      } catch (error) {
        // Unknown plan (404) or term (422): the client is flagged "cannot bill: no plan", never dropped.
        if (error instanceof ServiceCallError && (error.upstreamStatus === 404 || error.upstreamStatus === 422)) return null;
        throw error;
      }
    },
    async timeEntries(month) {
      return client.call('codex', '/api/tickets/time-entries', { query: { month }, schema: timeEntriesAnswer });
    },
    async monthTotals(month) {
      return (await client.call('codex', '/api/tickets/time-entries/totals', { query: { month }, schema: monthTotalsAnswer })).totals;
    },
    async agentEmails() {
      const agents = await client.call('codex', '/api/psa/agents', { schema: agentsAnswer });
      return new Set(agents.flatMap((agent) => (agent.email === null ? [] : [agent.email.toLowerCase()])));
    },
  };
}

/** Wraps a source so each (plan, term) and month is fetched once for the wrapper's lifetime. */
export function cachedCodexSource(source: CodexSource): CodexSource {
  const plans = new Map<string, Promise<CodexPlan | null>>();
  const months = new Map<string, Promise<TimeEntriesAnswer>>();
  const totals = new Map<string, Promise<TimeEntriesAnswer['totals']>>();
  let clients: Promise<CodexClient[]> | undefined;
  let agents: Promise<Set<string>> | undefined;
  const timeEntries = (month: string): Promise<TimeEntriesAnswer> => {
    let found = months.get(month);
    if (found === undefined) { found = source.timeEntries(month); months.set(month, found); }
    return found;
  };
  return {
    clients: () => (clients ??= source.clients()),
    agentEmails: () => (agents ??= source.agentEmails()),
    plan(planName, term) {
      const key = JSON.stringify([planName, term]);
      let found = plans.get(key);
      if (found === undefined) { found = source.plan(planName, term); plans.set(key, found); }
      return found;
    },
    timeEntries,
    monthTotals(month) {
      // A month already read in full answers from its totals; otherwise the lighter read when the source has one.
      const full = months.get(month);
      if (full !== undefined) return full.then((answer) => answer.totals);
      let found = totals.get(month);
      if (found === undefined) {
        found = source.monthTotals === undefined ? timeEntries(month).then((answer) => answer.totals) : source.monthTotals(month);
        totals.set(month, found);
      }
      return found;
    },
  };
}
