/**
 * Ledger's manual users and devices: people and machines a client is billed for that codex does
 * not know (`POST /api/clients/:account/manual-users|manual-devices`). Prepare reads the client's
 * current entries with the user's token (ledger refuses all but billing and admin) and shows the
 * list before and after; approval re-reads it and refuses when it changed since.
 */
import { z } from 'zod';
import { account, cents, enc, readOverrides } from './fields.js';
import type { PlatformClient } from '../platform/index.js';
import { writeTool, type ToolContext, type WritePlan, type WriteTool } from './registry.js';

const USER_TYPES = ['paid', 'free', 'custom'] as const;
const DEVICE_TYPES = [
  'workstation',
  'server',
  'virtual_machine',
  'switch',
  'firewall',
  'not_billed',
  'custom',
] as const;

/** Ledger's rule: a custom amount is given for the custom billing type, and only for it. */
const customRule = {
  check: (v: { billing_type: string; custom_cents?: number | undefined }) =>
    (v.billing_type === 'custom') === (v.custom_cents !== undefined),
  error: 'custom_cents is required for custom, and only for custom',
};

/** One entry as the card lists it: "name (type)" or "name (custom 12.00)". */
const describe = (name: string, entry: Readonly<Record<string, unknown>>): string =>
  entry.billingType === 'custom' && typeof entry.customCents === 'number'
    ? `${name} (custom ${(entry.customCents / 100).toFixed(2)})`
    : `${name} (${String(entry.billingType)})`;

/** The plan of one manual entry: the client's list before and after, and the exact POST. */
async function planEntry(
  kind: 'manual_users' | 'manual_devices',
  input: { account_number: string; billing_type: string; custom_cents?: number | undefined },
  name: string,
  ctx: ToolContext,
  platform: PlatformClient,
): Promise<WritePlan> {
  const current = await readOverrides(platform, ctx.call, input.account_number);
  const { account_number: acct, ...body } = input;
  const listed =
    kind === 'manual_users'
      ? current.manual_users.map((u) => describe(u.fullName, u))
      : current.manual_devices.map((d) => describe(d.hostname, d));
  const added = describe(name, { billingType: input.billing_type, customCents: input.custom_cents });
  const noun = kind === 'manual_users' ? 'user' : 'device';
  return {
    summary: `Add manual ${noun} ${added} to ${acct}'s bill in ledger`,
    before: { [kind]: listed },
    after: { [kind]: [...listed, added], ...('backup_bytes' in body ? { backup_bytes: body.backup_bytes } : {}) },
    request: { service: 'ledger', method: 'POST', path: `/api/clients/${enc(acct)}/${kind.replace('_', '-')}`, body },
  };
}

export const LEDGER_MANUAL_TOOLS: WriteTool<never>[] = [
  writeTool({
    name: 'ledger_add_manual_user',
    description:
      "Propose a manual user on a client's bill in ledger (a person billed per user whom codex does not list): paid, free or custom (integer cents a month). Needs the user's approval.",
    input: z
      .object({
        account_number: account,
        full_name: z.string().trim().min(1).max(200),
        billing_type: z.enum(USER_TYPES),
        custom_cents: cents.optional(),
      })
      .strict()
      .refine(customRule.check, { error: customRule.error }),
    prepare: (input, ctx, { platform }) => planEntry('manual_users', input, input.full_name, ctx, platform),
  }),
  writeTool({
    name: 'ledger_add_manual_device',
    description:
      "Propose a manual device on a client's bill in ledger (a machine codex does not list), billed as workstation, server, virtual_machine, switch, firewall, not_billed or custom (integer cents a month); optional backup bytes. Needs the user's approval.",
    input: z
      .object({
        account_number: account,
        hostname: z.string().trim().min(1).max(200),
        billing_type: z.enum(DEVICE_TYPES),
        custom_cents: cents.optional(),
        backup_bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
      })
      .strict()
      .refine(customRule.check, { error: customRule.error }),
    prepare: (input, ctx, { platform }) => planEntry('manual_devices', input, input.hostname, ctx, platform),
  }),
];
