/**
 * Where ledger reads codex: an interface (tests pass an in-memory one) and its implementation over
 * the SDK's service client. A month's bills need one read: codex's `POST /api/billing/month` gives
 * the companies active at any time in the month with everything billed about them, the plan
 * catalogue and the agents, so a page costs one codex call per thousand companies (it cost six or
 * more: companies, agents, the month's entries, each plan, each earlier month). The dashboard and
 * the review queue read `POST /api/billing/month/totals` instead: the same companies with their
 * counts, backup sums and billable minutes summed by codex's database, and only the contacts and
 * assets ledger holds an override for one by one (moving every item as JSON cost 1.7–2.4 s).
 */
import type { ServiceClient } from '@hivematrix/sdk';
import {
  monthPage,
  totalsPage,
  type CodexClient,
  type CodexClientTotals,
  type CodexPlan,
  type MonthPage,
  type TotalsPage,
} from './schemas.js';

/** What a month's bills read from codex. */
export interface MonthRequest {
  /** `YYYY-MM`. */
  month: string;
  /** Only this client (a client page, one invoice); otherwise every client. */
  account?: string | undefined;
  /** Also the billable minutes of every month from `from` (`YYYY-MM`) up to `month`, for these clients (the yearly drawdown). */
  prior?: { from: string; accounts: readonly string[] } | undefined;
}

/** The month as codex knows it. */
export interface CodexMonth {
  /** Every company active at any time in the month (archived ones included when archived during or after it). */
  clients: CodexClient[];
  /** The whole plan catalogue. */
  plans: CodexPlan[];
  /** Lower-cased e-mail addresses of the MSP's own PSA agents (their contacts are never billed). */
  agentEmails: Set<string>;
}

/** The month's totals: ledger names the contacts and assets it prices differently (its overrides). */
export interface TotalsRequest extends MonthRequest {
  listed: { contacts: readonly number[]; assets: readonly number[] };
}

/** The month as codex sums it. */
export interface CodexTotals {
  clients: CodexClientTotals[];
  plans: CodexPlan[];
  agentEmails: Set<string>;
}

/** What ledger needs from codex. */
export interface CodexSource {
  /** Every item of the month (a bill line by line, month-end, invoices). */
  month(request: MonthRequest): Promise<CodexMonth>;
  /** The month summed per company (the dashboard and the review queue). */
  totals(request: TotalsRequest): Promise<CodexTotals>;
}

/** Companies per page: a thousand clients are one call. */
const PAGE_SIZE = 1000;

/** The codex source over HTTP with service tokens (`pageSize` companies per call; tests use small pages). */
export function httpCodexSource(client: ServiceClient, options: { pageSize?: number } = {}): CodexSource {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  /** The two places ledger calls codex. Reads, posted because they can name thousands of accounts. */
  const monthPageOf = (body: Record<string, unknown>): Promise<MonthPage> =>
    client.call('codex', '/api/billing/month', { method: 'POST', body, schema: monthPage });
  const totalsPageOf = (body: Record<string, unknown>): Promise<TotalsPage> =>
    client.call('codex', '/api/billing/month/totals', { method: 'POST', body, schema: totalsPage });
  const baseOf = (request: MonthRequest) => ({
    month: request.month,
    limit: pageSize,
    ...(request.account === undefined ? {} : { account: request.account }),
    ...(request.prior === undefined ? {} : { prior: request.prior }),
  });
  return {
    async month(request) {
      const { companies, last } = await allPages(baseOf(request), monthPageOf);
      return { clients: companies, plans: last.plans, agentEmails: new Set(last.agent_emails) };
    },
    async totals(request) {
      const { companies, last } = await allPages(
        { ...baseOf(request), listed: { contacts: [...request.listed.contacts], assets: [...request.listed.assets] } },
        totalsPageOf,
      );
      return { clients: companies, plans: last.plans, agentEmails: new Set(last.agent_emails) };
    },
  };
}

/**
 * Every page of a read. Keyset paging: each page starts after the last account number of the one
 * before, so a company archived or added while paging shifts nothing (offset pages skipped one).
 */
async function allPages<T extends { companies: unknown[]; next_after: string | null }>(
  base: Record<string, unknown>,
  page: (body: Record<string, unknown>) => Promise<T>,
): Promise<{ companies: T['companies']; last: T }> {
  let answer = await page(base);
  const companies = [...answer.companies];
  while (answer.next_after !== null) {
    answer = await page({ ...base, after: answer.next_after });
    companies.push(...answer.companies);
  }
  return { companies, last: answer };
}

/** The plan of `name` for `term` (no term means month-to-month, as codex prices it), or null. */
export function findPlan(plans: readonly CodexPlan[], name: string, term: string | null): CodexPlan | null {
  const wanted = term ?? 'Month to Month';
  return plans.find((plan) => plan.plan_name === name && plan.term === wanted) ?? null;
}
