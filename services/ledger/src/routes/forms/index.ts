/**
 * The HTML forms of a client's page. Each validates its fields (money as exact decimal strings),
 * then either saves and redirects back with `303` and `?done=<key>`, or renders the page again
 * with 400, the errors in an alert and next to their fields, and what was typed kept.
 * Billing and admin users only, like the JSON APIs these forms mirror (routes/overrides).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import {
  addClientLineItem,
  addManualDevice,
  addManualUser,
  removeClientEntry,
  setDeviceBillingType,
  setUserBillingType,
  updateClientOverrides,
  overridesOnly,
  parseDeviceTypeForm,
  parseLineItemForm,
  parseManualDeviceForm,
  parseManualUserForm,
  parsePlanForm,
  parsePrepaidForm,
  parseRatesForm,
  parseUserTypeForm,
  clientBill,
} from '../../billing/index.js';
import type { ClientBill, Removable, Parsed } from '../../billing/index.js';
import { periodKey, type Period } from '../../engine/index.js';
import { billingOnly, periodOf } from '../access.js';
import { renderClient, type ClientPageOptions } from '../clients/render.js';
import type { BillingRouteOptions } from '../dashboard/index.js';
import { formValues, type FormValues } from './body.js';

const ACCOUNT = /^[A-Za-z0-9._-]{1,50}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The client and month a form posts for; an unknown account or id is a 404, as for the page. */
function target(
  request: FastifyRequest,
  options: BillingRouteOptions,
): { account: string; period: Period; values: FormValues; id: number } {
  const params = request.params as Record<string, string | undefined>;
  const account = params.account ?? '';
  if (!ACCOUNT.test(account)) throw new AppError('not_found', 'No such client');
  const rawId = params.id;
  const id = rawId === undefined ? 0 : /^\d{1,15}$/.test(rawId) ? Number(rawId) : NaN;
  if (!Number.isSafeInteger(id)) throw new AppError('not_found', 'No such entry');
  const values = formValues(request.body);
  const month = values.month ?? '';
  return {
    account,
    period: periodOf(MONTH.test(month) ? month : undefined, options.now(), options.timeZone),
    values,
    id,
  };
}

export const formRoutes: FastifyPluginAsync<ClientPageOptions> = async (app, options) => {
  const { db } = options;
  const guard = billingOnly(true);

  /** Registers one form: parse, then save and redirect, or show the page again with the errors. */
  function form<T>(
    path: string,
    name: (id: number) => string,
    parse: (values: FormValues) => Parsed<T>,
    done: string,
    save: (t: { account: string; period: Period; id: number }, value: T, bill: ClientBill) => Promise<void>,
  ): void {
    app.post(`/clients/:account/${path}`, { preHandler: guard }, async (request, reply): Promise<FastifyReply> => {
      const t = target(request, options);
      const parsed = parse(t.values);
      if (!parsed.ok)
        return renderClient(options, request, reply, {
          account: t.account,
          period: t.period,
          status: 400,
          form: { form: name(t.id), values: t.values, errors: parsed.errors },
        });
      // The client must exist in codex: a form cannot create overrides for an unknown account.
      const bill = await clientBill(options, t.period, t.account);
      await save(t, parsed.value, bill);
      return reply.redirectTo(`/clients/${encodeURIComponent(t.account)}`, { month: periodKey(t.period), done });
    });
  }

  /** The codex contact or asset must belong to the client, so a form cannot retype another client's. */
  async function owned(kind: 'contact' | 'asset', t: { account: string; period: Period; id: number }): Promise<void> {
    const bill = await clientBill(options, t.period, t.account);
    const list: readonly { id: number }[] = kind === 'contact' ? bill.client.contacts : bill.client.assets;
    if (!list.some((entry) => entry.id === t.id)) throw new AppError('not_found', `No such ${kind} of this client`);
  }

  // The form shows the effective rates; only those that differ from the plan's are stored as overrides.
  form(
    'rates',
    () => 'rates',
    parseRatesForm,
    'rates-saved',
    (t, rates, bill) =>
      updateClientOverrides(db, t.account, { rates: overridesOnly(rates, bill.input.planRates) }, options.now()),
  );
  form(
    'plan',
    () => 'plan',
    parsePlanForm,
    'plan-saved',
    (t, v) => updateClientOverrides(db, t.account, { planName: v.planName }, options.now()),
  );
  form(
    'prepaid',
    () => 'prepaid',
    parsePrepaidForm,
    'prepaid-saved',
    (t, v) =>
      updateClientOverrides(db, t.account, { prepaidMonthly: v.monthly, prepaidYearly: v.yearly }, options.now()),
  );
  form(
    'users/:id/type',
    (id) => `user-type:${id}`,
    parseUserTypeForm,
    'user-type-saved',
    async (t, v) => {
      await owned('contact', t);
      await setUserBillingType(db, t.id, v);
    },
  );
  form(
    'devices/:id/type',
    (id) => `device-type:${id}`,
    parseDeviceTypeForm,
    'device-type-saved',
    async (t, v) => {
      await owned('asset', t);
      await setDeviceBillingType(db, t.id, v);
    },
  );
  form(
    'manual-users',
    () => 'manual-user',
    parseManualUserForm,
    'manual-user-added',
    (t, v) => addManualUser(db, t.account, v),
  );
  form(
    'manual-devices',
    () => 'manual-device',
    parseManualDeviceForm,
    'manual-device-added',
    (t, v) => addManualDevice(db, t.account, v),
  );
  form(
    'line-items',
    () => 'line-item',
    parseLineItemForm,
    'line-item-added',
    (t, v) => addClientLineItem(db, t.account, v),
  );

  const removals: [Removable, string][] = [
    ['manual-users', 'manual-user-removed'],
    ['manual-devices', 'manual-device-removed'],
    ['line-items', 'line-item-removed'],
  ];
  for (const [kind, done] of removals) {
    app.post(`/clients/:account/${kind}/:id/delete`, { preHandler: guard }, async (request, reply) => {
      const t = target(request, options);
      if (!(await removeClientEntry(db, t.account, kind, t.id)))
        throw new AppError('not_found', 'No such entry for this client');
      return reply.redirectTo(`/clients/${encodeURIComponent(t.account)}`, { month: periodKey(t.period), done });
    });
  }
};
