/**
 * Read tools: companies, contacts and assets, tickets, plans (codex), a client's bill (ledger),
 * knowledge (knowledgetree). Each answers what the user's own token may read, nothing more.
 */
import { z } from 'zod';
import { readTool, type ReadTool } from './registry.js';
import type { Strictness } from './redact.js';

const account = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,50}$/)
  .describe("The company's account number");
const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number() }).loose();
const anyRecord = z.record(z.string(), z.unknown());
const companyRecord = z.object({ account_number: z.string(), name: z.string(), compliance_level: z.string() }).loose();
const enc = encodeURIComponent;

/** Drops what codex says about stored secrets (it never sends their values; we drop even the list). */
function withoutSecrets(asset: Record<string, unknown>): Record<string, unknown> {
  const { secrets: _secrets, ...rest } = asset;
  return rest;
}

const strictOf = (level: string): Strictness => (level === 'hipaa' || level === 'cjis' ? 'strict' : 'standard');

export const READ_TOOLS: ReadTool<never>[] = [
  readTool({
    name: 'companies_search',
    description:
      'Search companies (clients) by name or account number. Returns account number, name, plan, compliance level.',
    input: z
      .object({
        query: z.string().trim().max(200).default('').describe('Part of a name or account number; empty lists all'),
      })
      .strict(),
    async run(input, ctx, { platform }) {
      const result = await platform.request(
        'codex',
        ctx.call,
        `/api/companies?per_page=25&q=${enc(input.query)}`,
        page(companyRecord),
      );
      return {
        data: {
          total: result.total,
          companies: result.items.map((c) => ({
            account_number: c.account_number,
            name: c.name,
            plan_name: c.plan_name ?? null,
            support_level: c.support_level ?? null,
            compliance_level: c.compliance_level,
          })),
        },
        links: result.items
          .slice(0, 10)
          .map((c) => ({ label: c.name, href: `/codex/companies/${enc(c.account_number)}` })),
      };
    },
  }),
  readTool({
    name: 'company_detail',
    description: 'One company with its plan, locations, features, contacts and assets.',
    input: z.object({ account_number: account }).strict(),
    async run(input, ctx, { platform }) {
      const a = enc(input.account_number);
      const detail = await platform.request(
        'codex',
        ctx.call,
        `/api/companies/${a}`,
        z.object({ company: companyRecord }).loose(),
      );
      const [contacts, assets] = await Promise.all([
        platform.request('codex', ctx.call, `/api/contacts?per_page=100&company=${a}`, page(anyRecord)),
        platform.request('codex', ctx.call, `/api/assets?per_page=100&company=${a}`, page(anyRecord)),
      ]);
      return {
        data: { ...detail, contacts: contacts.items, assets: assets.items.map(withoutSecrets) },
        strictness: strictOf(detail.company.compliance_level),
        links: [{ label: detail.company.name, href: `/codex/companies/${a}` }],
      };
    },
  }),
  readTool({
    name: 'tickets_active',
    description: 'Every active ticket the user may see (priority first).',
    input: z.object({ limit: z.number().int().min(1).max(100).default(30) }).strict(),
    async run(input, ctx, { platform }) {
      const result = await platform.request(
        'codex',
        ctx.call,
        `/api/tickets/active?limit=${input.limit}`,
        z.object({ tickets: z.array(anyRecord), total: z.number() }).loose(),
      );
      return { data: { total: result.total, tickets: result.tickets } };
    },
  }),
  readTool({
    name: 'tickets_by_company',
    description: 'Tickets of one company, newest first; state active, closed or all; optional subject search.',
    input: z
      .object({
        account_number: account,
        state: z.enum(['active', 'closed', 'all']).default('active'),
        query: z.string().trim().max(200).default(''),
      })
      .strict(),
    async run(input, ctx, { platform }) {
      const result = await platform.request(
        'codex',
        ctx.call,
        `/api/tickets?per_page=30&company=${enc(input.account_number)}&state=${input.state}&q=${enc(input.query)}`,
        page(anyRecord),
      );
      return { data: { total: result.total, tickets: result.items } };
    },
  }),
  readTool({
    name: 'ticket_detail',
    description: 'One ticket (codex id) with its conversation and time entries.',
    input: z.object({ ticket_id: z.number().int().positive() }).strict(),
    async run(input, ctx, { platform }) {
      const result = await platform.request(
        'codex',
        ctx.call,
        `/api/tickets/${input.ticket_id}`,
        z.object({ ticket: z.object({ compliance_level: z.string().nullable() }).loose() }).loose(),
      );
      return {
        data: result,
        strictness: strictOf(result.ticket.compliance_level ?? ''),
        links: [{ label: `Ticket ${input.ticket_id}`, href: `/codex/tickets/${input.ticket_id}` }],
      };
    },
  }),
  readTool({
    name: 'plans_list',
    description: 'The billing plans (name, term, rates, support level, features).',
    input: z.object({}).strict(),
    async run(_input, ctx, { platform }) {
      return { data: await platform.request('codex', ctx.call, '/api/billing-plans', z.unknown()) };
    },
  }),
  readTool({
    name: 'client_bill',
    description:
      "A client's bill for a month from ledger (lines and total in integer cents) and the current overrides.",
    input: z
      .object({
        account_number: account,
        month: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
          .optional()
          .describe('YYYY-MM; default the current month'),
      })
      .strict(),
    async run(input, ctx, { platform }) {
      const a = enc(input.account_number);
      const month = input.month === undefined ? '' : `?month=${input.month}`;
      const [bill, overrides] = await Promise.all([
        platform.request('ledger', ctx.call, `/api/billing/clients/${a}${month}`, anyRecord),
        platform.request('ledger', ctx.call, `/api/clients/${a}/overrides`, anyRecord),
      ]);
      return {
        data: { bill, overrides },
        links: [{ label: `Bill of ${input.account_number}`, href: `/ledger/clients/${a}` }],
      };
    },
  }),
  readTool({
    name: 'knowledge_search',
    description: 'Full-text search of the knowledge base.',
    input: z
      .object({ query: z.string().trim().min(1).max(200), limit: z.number().int().min(1).max(25).default(10) })
      .strict(),
    async run(input, ctx, { platform }) {
      const result = await platform.request(
        'knowledgetree',
        ctx.call,
        `/api/search?q=${enc(input.query)}&limit=${input.limit}`,
        z
          .object({
            results: z.array(z.object({ id: z.string(), title: z.string(), path: z.string().optional() }).loose()),
          })
          .loose(),
      );
      return {
        data: result,
        links: result.results.slice(0, 10).map((r) => ({ label: r.title, href: `/knowledgetree/view/${enc(r.id)}` })),
      };
    },
  }),
  readTool({
    name: 'knowledge_browse',
    description: 'List a knowledge-base folder by path ("/" for the root).',
    input: z.object({ path: z.string().trim().max(1000).default('/') }).strict(),
    async run(input, ctx, { platform }) {
      return {
        data: await platform.request('knowledgetree', ctx.call, `/api/browse?path=${enc(input.path)}`, z.unknown()),
      };
    },
  }),
  readTool({
    name: 'knowledge_read',
    description: 'Read one knowledge-base node (folder or article, with its Markdown and revision id).',
    input: z.object({ id: z.string().trim().min(1).max(200) }).strict(),
    async run(input, ctx, { platform }) {
      const node = await platform.request(
        'knowledgetree',
        ctx.call,
        `/api/nodes/${enc(input.id)}`,
        z.object({ id: z.string(), title: z.string() }).loose(),
      );
      return { data: node, links: [{ label: node.title, href: `/knowledgetree/view/${enc(node.id)}` }] };
    },
  }),
  readTool({
    name: 'knowledge_context',
    description: 'Export a knowledge-base folder as one Markdown context document (bounded size).',
    input: z
      .object({
        id: z.string().trim().min(1).max(200),
        budget_chars: z.number().int().min(1000).max(40_000).default(12_000),
      })
      .strict(),
    async run(input, ctx, { platform }) {
      return {
        data: await platform.request('knowledgetree', ctx.call, `/api/context/${enc(input.id)}`, z.unknown(), {
          method: 'POST',
          body: { budget_chars: input.budget_chars },
        }),
      };
    },
  }),
];

READ_TOOLS.push(
  readTool({
    name: 'tickets_search',
    description: 'Search tickets by subject across every company the user may see; state active, closed or all.',
    input: z
      .object({
        query: z.string().trim().max(200).default(''),
        state: z.enum(['active', 'closed', 'all']).default('all'),
      })
      .strict(),
    async run(input, ctx, { platform }) {
      const result = await platform.request(
        'codex',
        ctx.call,
        `/api/tickets?per_page=20&state=${input.state}&q=${enc(input.query)}`,
        page(z.object({ id: z.number(), subject: z.string(), ticket_number: z.string() }).loose()),
      );
      return {
        data: { total: result.total, tickets: result.items },
        links: result.items
          .slice(0, 10)
          .map((t) => ({ label: `#${t.ticket_number} ${t.subject}`, href: `/codex/tickets/${t.id}` })),
      };
    },
  }),
);
