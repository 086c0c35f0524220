/**
 * Write tools: they never change anything themselves. `prepare` reads the current state with the
 * user's token and fixes the exact request an approval will send, with a before/after preview.
 * Ledger's overrides are replaced as a whole by its API, so the planned body is the full merged
 * set; approval re-reads the state and refuses when it moved since (no lost update).
 * Ticket notes (ticket-note-tool.ts) and ledger's manual users and devices (ledger-manual-tools.ts)
 * follow the same pattern in their own files.
 */
import { z } from 'zod';
import { account, cents, enc, month, readOverrides } from './fields.js';
import { LEDGER_MANUAL_TOOLS } from './ledger-manual-tools.js';
import { writeTool, type WriteTool } from './registry.js';
import { TICKET_NOTE_TOOL } from './ticket-note-tool.js';

const RATE_KEYS = [
  'perUser',
  'perWorkstation',
  'perServer',
  'perVirtualMachine',
  'perSwitch',
  'perFirewall',
  'perHour',
  'backupBaseWorkstation',
  'backupBaseServer',
  'backupPerTb',
] as const;

const nodeSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    type: z.string(),
    markdown: z.string().nullable().optional(),
    revision_id: z.union([z.string(), z.number()]).nullable().optional(),
    read_only: z.boolean().optional(),
  })
  .loose();

const dollars = (value: number | undefined): string =>
  value === undefined ? 'plan rate' : `${(value / 100).toFixed(2)}`;

const LEDGER_AND_KNOWLEDGE_TOOLS: WriteTool<never>[] = [
  writeTool({
    name: 'ledger_set_rates',
    description:
      "Propose rate overrides for a client in ledger (integer cents per unit; null clears an override back to the plan rate), and optionally prepaid hours. Needs the user's approval.",
    input: z
      .object({
        account_number: account,
        rates: z
          .partialRecord(z.enum(RATE_KEYS), cents.nullable())
          .refine((r) => Object.keys(r).length > 0, { error: 'name at least one rate' }),
        prepaid_hours_monthly: z.number().min(0).max(100_000).optional(),
      })
      .strict(),
    async prepare(input, ctx, { platform }) {
      const current = await readOverrides(platform, ctx.call, input.account_number);
      const rates: Record<string, number> = { ...current.rates };
      for (const [key, value] of Object.entries(input.rates)) {
        if (value === null || value === undefined) delete rates[key];
        else rates[key] = value;
      }
      const before = { rates: current.rates, prepaid_hours_monthly: current.prepaid_hours_monthly };
      const after = { rates, prepaid_hours_monthly: input.prepaid_hours_monthly ?? current.prepaid_hours_monthly };
      const changes = Object.entries(input.rates).map(
        ([key, value]) => `${key} ${dollars(current.rates[key])} → ${dollars(value ?? undefined)}`,
      );
      return {
        summary: `Change ${input.account_number}'s rates in ledger: ${changes.join(', ')}`,
        before,
        after,
        request: {
          service: 'ledger',
          method: 'PUT',
          path: `/api/clients/${enc(input.account_number)}/overrides`,
          body: {
            plan_name: current.plan_name,
            rates,
            prepaid_hours_monthly: after.prepaid_hours_monthly,
            prepaid_hours_yearly: current.prepaid_hours_yearly,
          },
        },
      };
    },
  }),
  writeTool({
    name: 'ledger_add_line_item',
    description:
      "Propose a line item on a client's bill in ledger: recurring (monthly), one-off (a month) or yearly (a month of the year), in integer cents. Needs the user's approval.",
    input: z
      .object({
        account_number: account,
        name: z.string().trim().min(1).max(150),
        recurring: z
          .object({ cents, first_month: month.nullable().default(null), last_month: month.nullable().default(null) })
          .strict()
          .optional(),
        one_off: z.object({ cents, month }).strict().optional(),
        yearly: z
          .object({ cents, month: z.number().int().min(1).max(12) })
          .strict()
          .optional(),
      })
      .strict()
      .refine((v) => v.recurring !== undefined || v.one_off !== undefined || v.yearly !== undefined, {
        error: 'a line item needs at least one fee',
      }),
    async prepare(input, ctx, { platform }) {
      const current = await readOverrides(platform, ctx.call, input.account_number);
      const { account_number: acct, ...item } = input;
      const names = current.line_items.map((li) => li.name);
      return {
        summary: `Add line item "${input.name}" to ${acct}'s bill in ledger`,
        before: { line_items: names },
        after: { line_items: [...names, input.name], added: item },
        request: { service: 'ledger', method: 'POST', path: `/api/clients/${enc(acct)}/line-items`, body: item },
      };
    },
  }),
  writeTool({
    name: 'knowledge_create_article',
    description: "Propose a new knowledge-base article (Markdown) under a folder. Needs the user's approval.",
    input: z
      .object({
        parent_id: z.string().trim().min(1).max(200),
        title: z.string().trim().min(1).max(200),
        markdown: z.string().max(200_000),
      })
      .strict(),
    async prepare(input, ctx, { platform }) {
      const parent = await platform.request(
        'knowledgetree',
        ctx.call,
        `/api/nodes/${enc(input.parent_id)}`,
        nodeSchema,
      );
      return {
        summary: `Create article "${input.title}" in "${parent.title}"`,
        before: { folder: parent.title, article: null },
        after: { folder: parent.title, article: { title: input.title, markdown: input.markdown } },
        request: {
          service: 'knowledgetree',
          method: 'POST',
          path: '/api/nodes',
          body: { parent_id: input.parent_id, type: 'article', title: input.title, markdown: input.markdown },
        },
      };
    },
  }),
  writeTool({
    name: 'knowledge_update_article',
    description:
      "Propose new Markdown (and optionally a new title) for an existing article. Needs the user's approval.",
    input: z
      .object({
        id: z.string().trim().min(1).max(200),
        markdown: z.string().max(200_000),
        title: z.string().trim().min(1).max(200).optional(),
        message: z.string().trim().max(200).optional(),
      })
      .strict(),
    async prepare(input, ctx, { platform }) {
      const node = await platform.request('knowledgetree', ctx.call, `/api/nodes/${enc(input.id)}`, nodeSchema);
      return {
        summary: `Update article "${node.title}"`,
        before: { title: node.title, markdown: node.markdown ?? '', revision_id: node.revision_id ?? null },
        after: { title: input.title ?? node.title, markdown: input.markdown },
        request: {
          service: 'knowledgetree',
          method: 'PUT',
          path: `/api/nodes/${enc(input.id)}`,
          body: {
            markdown: input.markdown,
            base_revision_id: node.revision_id ?? null,
            message: input.message ?? 'Proposed by Brainhair, approved by the user',
            ...(input.title === undefined ? {} : { title: input.title }),
          },
        },
      };
    },
  }),
];

export const WRITE_TOOLS: WriteTool<never>[] = [
  ...LEDGER_AND_KNOWLEDGE_TOOLS,
  ...LEDGER_MANUAL_TOOLS,
  TICKET_NOTE_TOOL,
];
