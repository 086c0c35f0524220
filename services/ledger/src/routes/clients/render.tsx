/** Renders a client's page: for a GET, and again (400) when one of its forms is refused. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { storedClientOverrides, billSummary, clientBill } from '../../billing/index.js';
import { AppError } from '@hivematrix/sdk';
import { addMonths, periodKey, type Period } from '../../engine/index.js';
import { latestSnapshot } from '../../archive/index.js';
import { ClientPage } from '../../views/client.js';
import { loadAcceptState, outcomeOf } from '../archive/accept-state.js';
import type { Flash, FormState } from '../../views/forms/state.js';
import type { BillingRouteOptions } from '../dashboard/index.js';

/** Messages a form's redirect may ask for (`?done=<key>`): a key, so no text is reflected from the URL. */
const FLASHES: Readonly<Record<string, string>> = {
  'rates-saved': 'The rates were saved.',
  'plan-saved': 'The plan was saved.',
  'prepaid-saved': 'The prepaid hours were saved.',
  'user-type-saved': "The user's billing type was saved.",
  'device-type-saved': "The device's billing type was saved.",
  'manual-user-added': 'The user was added.',
  'manual-user-removed': 'The user was removed.',
  'manual-device-added': 'The device was added.',
  'manual-device-removed': 'The device was removed.',
  'line-item-added': 'The line item was added.',
  'line-item-removed': 'The line item was removed.',
};

/** The flash a redirect asked for, if it is one we know. */
export function flashOf(request: FastifyRequest): Flash | undefined {
  const done = (request.query as Record<string, unknown> | undefined)?.done;
  const message = typeof done === 'string' ? FLASHES[done] : undefined;
  return message === undefined ? undefined : { variant: 'success', message };
}

/** Whether `done` names a known flash (the form routes only redirect with these). */
export const isFlashKey = (key: string): boolean => key in FLASHES;

/** What the client page needs beyond the billing routes' options (the review threshold). */
export type ClientPageOptions = BillingRouteOptions & { reviewThresholdPercent: number };

/** Computes the client's bill and renders its page. */
export async function renderClient(
  options: ClientPageOptions,
  request: FastifyRequest,
  reply: FastifyReply,
  args: { account: string; period: Period; form?: FormState; status?: number },
): Promise<FastifyReply> {
  const previousPeriod = addMonths(args.period, -1);
  const [bill, previous, previousInvoice, stored] = await Promise.all([
    clientBill(options, args.period, args.account),
    // The month before, computed by the same rules; a client not active then has no bill to compare.
    clientBill(options, previousPeriod, args.account).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') return null;
      throw error;
    }),
    latestSnapshot(options.db, args.account, periodKey(previousPeriod)),
    storedClientOverrides(options.db, args.account),
  ]);
  const accept = await loadAcceptState(options, bill, outcomeOf(request));
  const summary = {
    summary: billSummary(bill.result, previous?.result ?? null),
    previousPeriod: periodKey(previousPeriod),
    previousInvoice:
      previousInvoice === undefined
        ? null
        : { number: previousInvoice.invoiceNumber, totalCents: previousInvoice.totalCents },
  };
  return reply.html(
    <ClientPage
      period={periodKey(args.period)}
      bill={bill}
      stored={stored}
      accept={accept}
      urlFor={(p) => request.urlFor(p)}
      flash={args.form === undefined ? flashOf(request) : undefined}
      form={args.form}
      summary={summary}
    />,
    args.status ?? 200,
  );
}
