/**
 * Who may use ledger: billing and admin users only (technicians and clients get 403). The original
 * let any signed-in user read all billing and change rates (reference §3.9 item 10).
 */
import { requireRole } from '@hivematrix/sdk';
import { z } from 'zod';
import { localDate, parsePeriod, type Period } from '../engine/index.js';

/** The guard of every billing route; `page` redirects a browser without a token to the login. */
export const billingOnly = (page = false) => requireRole(['admin', 'billing'], { page });

/** The `?month=YYYY-MM` query; absent means the current month in the business time zone. */
export const monthQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional(),
});

/** The requested period, defaulting to the month of `now` in `timeZone`. */
export function periodOf(month: string | undefined, now: Date, timeZone: string): Period {
  return parsePeriod(month ?? localDate(now, timeZone).slice(0, 7));
}
