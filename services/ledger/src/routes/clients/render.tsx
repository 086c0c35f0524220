/** Renders a client's page: for a GET, and again (400) when one of its forms is refused. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { storedClientOverrides } from '../../billing/edit.js';
import { periodKey, type Period } from '../../engine/index.js';
import { ClientPage } from '../../views/client.js';
import { loadAcceptState, outcomeOf } from '../archive/accept-state.js';
import type { Flash, FormState } from '../../views/forms/state.js';
import type { BillingRouteOptions } from '../dashboard/index.js';
import { clientBill } from '../../billing/client-bill.js';

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
  const [bill, stored] = await Promise.all([clientBill(options, args.period, args.account), storedClientOverrides(options.db, args.account)]);
  const accept = await loadAcceptState(options, bill, outcomeOf(request));
  return reply.html(
    <ClientPage
      period={periodKey(args.period)}
      bill={bill}
      stored={stored}
      accept={accept}
      urlFor={(p) => request.urlFor(p)}
      flash={args.form === undefined ? flashOf(request) : undefined}
      form={args.form}
    />,
    args.status ?? 200,
  );
}
