/**
 * Where ledger reads codex: an interface (tests pass an in-memory one) and its implementation over
 * the SDK's service client. A month's bills need one read: codex's `GET /api/billing/month` gives
 * the companies active at any time in the month with everything billed about them, the plan
 * catalogue and the agents, so a page costs one codex call per thousand companies (it cost six or
 * more: companies, agents, the month's entries, each plan, each earlier month).
 */
import type { ServiceClient } from '@hivematrix/sdk';
import { monthPage, type CodexClient, type CodexPlan, type MonthPage } from './schemas.js';

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

/** What ledger needs from codex. */
export interface CodexSource {
  month(request: MonthRequest): Promise<CodexMonth>;
}

/** Companies per page: a thousand clients are one call. */
const PAGE_SIZE = 1000;

/** The codex source over HTTP with service tokens (`pageSize` companies per call; tests use small pages). */
export function httpCodexSource(client: ServiceClient, options: { pageSize?: number } = {}): CodexSource {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  /** The one place ledger calls codex. A read, posted because it can name thousands of accounts. */
  const page = (body: Record<string, unknown>): Promise<MonthPage> => client.call('codex', '/api/billing/month', { method: 'POST', body, schema: monthPage });
  return {
    async month(request) {
      const base = {
        month: request.month,
        limit: pageSize,
        ...(request.account === undefined ? {} : { account: request.account }),
        ...(request.prior === undefined ? {} : { prior: request.prior }),
      };
      // Keyset paging: each page starts after the last account number of the one before, so a
      // company archived or added while paging shifts nothing (offset pages skipped one).
      let answer = await page(base);
      const clients = [...answer.companies];
      while (answer.next_after !== null) {
        answer = await page({ ...base, after: answer.next_after });
        clients.push(...answer.companies);
      }
      return { clients, plans: answer.plans, agentEmails: new Set(answer.agent_emails) };
    },
  };
}

/** The plan of `name` for `term` (no term means month-to-month, as codex prices it), or null. */
export function findPlan(plans: readonly CodexPlan[], name: string, term: string | null): CodexPlan | null {
  const wanted = term ?? 'Month to Month';
  return plans.find((plan) => plan.plan_name === name && plan.term === wanted) ?? null;
}
