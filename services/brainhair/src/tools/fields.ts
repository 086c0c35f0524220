/** Argument fields and upstream shapes the write tools share. */
import { z } from 'zod';
import type { PlatformClient, UserCall } from '../platform/index.js';

export const account = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,50}$/)
  .describe("The company's account number");
export const cents = z.number().int().min(0).max(100_000_000);
export const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
export const enc = encodeURIComponent;

/** Ledger's `GET /api/clients/:account/overrides` (rows of its own tables, camelCase as it sends them). */
export const overridesSchema = z
  .object({
    plan_name: z.string().nullable(),
    rates: z.record(z.string(), z.number()),
    prepaid_hours_monthly: z.number(),
    prepaid_hours_yearly: z.number(),
    manual_users: z.array(z.object({ id: z.number(), fullName: z.string() }).loose()).default([]),
    manual_devices: z.array(z.object({ id: z.number(), hostname: z.string() }).loose()).default([]),
    line_items: z.array(z.object({ id: z.number(), name: z.string() }).loose()).default([]),
  })
  .loose();

/** Reads a client's overrides in ledger with the user's token (ledger refuses all but billing and admin). */
export const readOverrides = (platform: PlatformClient, call: UserCall, acct: string) =>
  platform.request('ledger', call, `/api/clients/${enc(acct)}/overrides`, overridesSchema);
