/**
 * Editing what ledger owns for a client: plan and rate overrides, prepaid hours, billing types of
 * codex contacts and assets, manual users and devices, line items. Every body is validated; a
 * custom billing type needs its amount. Billing and admin users only.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import {
  deviceOverrides,
  lineItems,
  manualDevices,
  manualUsers,
  userOverrides,
  loadLedgerData,
  saveClientOverrides,
} from '../../db/index.js';
import type { LedgerDb } from '../../db/index.js';
import { billingOnly } from '../access.js';

const account = z.object({ account: z.string().regex(/^[A-Za-z0-9._-]{1,50}$/) });
const idParam = z.object({ id: z.coerce.number().int().positive() });
const cents = z.number().int().min(0).max(100_000_000);
const hours = z
  .number()
  .min(0)
  .max(100_000)
  .refine((v) => Math.round(v * 100) === v * 100, { error: 'at most two decimals' });
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const userType = z.enum(['paid', 'free', 'custom']);
const deviceType = z.enum(['workstation', 'server', 'virtual_machine', 'switch', 'firewall', 'not_billed', 'custom']);
const withCustom = <
  T extends z.ZodObject<{ billing_type: z.ZodEnum; custom_cents: z.ZodOptional<z.ZodNullable<typeof cents>> }>,
>(
  schema: T,
) =>
  schema.refine((v) => (v.billing_type === 'custom') === (v.custom_cents !== undefined && v.custom_cents !== null), {
    error: 'custom_cents is required for custom, and only for custom',
  });

const clientBody = z.object({
  plan_name: z.string().trim().min(1).max(100).nullable(),
  rates: z
    .object({
      perUser: cents,
      perWorkstation: cents,
      perServer: cents,
      perVirtualMachine: cents,
      perSwitch: cents,
      perFirewall: cents,
      perHour: cents,
      backupBaseWorkstation: cents,
      backupBaseServer: cents,
      backupPerTb: cents,
      backupIncludedTb: hours,
    })
    .partial()
    .strict(),
  prepaid_hours_monthly: hours,
  prepaid_hours_yearly: hours,
});
const typeBody = withCustom(z.object({ billing_type: userType, custom_cents: cents.nullable().optional() }));
const deviceBody = withCustom(z.object({ billing_type: deviceType, custom_cents: cents.nullable().optional() }));
const manualUserBody = withCustom(
  z.object({
    full_name: z.string().trim().min(1).max(200),
    billing_type: userType,
    custom_cents: cents.nullable().optional(),
  }),
);
const manualDeviceBody = withCustom(
  z.object({
    hostname: z.string().trim().min(1).max(200),
    billing_type: deviceType,
    custom_cents: cents.nullable().optional(),
    backup_bytes: z.number().int().min(0).default(0),
  }),
);
const lineItemBody = z
  .object({
    name: z.string().trim().min(1).max(150),
    recurring: z
      .object({ cents, first_month: month.nullable().default(null), last_month: month.nullable().default(null) })
      .optional(),
    one_off: z.object({ cents, month }).optional(),
    yearly: z.object({ cents, month: z.number().int().min(1).max(12) }).optional(),
  })
  .refine((v) => v.recurring !== undefined || v.one_off !== undefined || v.yearly !== undefined, {
    error: 'a line item needs at least one fee',
  })
  .refine(
    (v) =>
      v.recurring?.first_month == null ||
      v.recurring.last_month == null ||
      v.recurring.first_month <= v.recurring.last_month,
    { error: 'first_month is after last_month' },
  );

export const overrideRoutes: FastifyPluginAsync<{ db: LedgerDb; now: () => Date }> = async (base, { db, now }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const guard = billingOnly();

  app.get('/api/clients/:account/overrides', { preHandler: guard, schema: { params: account } }, async (request) => {
    const data = await loadLedgerData(db, [request.params.account]);
    const row = data.clients.get(request.params.account);
    return {
      plan_name: row?.planName ?? null,
      rates: row?.rateOverrides ?? {},
      prepaid_hours_monthly: Number(row?.prepaidHoursMonthly ?? 0),
      prepaid_hours_yearly: Number(row?.prepaidHoursYearly ?? 0),
      manual_users: data.manualUsers,
      manual_devices: data.manualDevices,
      line_items: data.lineItems,
    };
  });

  app.put(
    '/api/clients/:account/overrides',
    { preHandler: guard, schema: { params: account, body: clientBody } },
    async (request) => {
      const body = request.body;
      await saveClientOverrides(
        db,
        request.params.account,
        {
          planName: body.plan_name,
          rateOverrides: Object.fromEntries(
            Object.entries(body.rates).filter((entry): entry is [string, number] => entry[1] !== undefined),
          ),
          prepaidMonthly: body.prepaid_hours_monthly,
          prepaidYearly: body.prepaid_hours_yearly,
        },
        now(),
      );
      return { ok: true };
    },
  );

  app.put(
    '/api/overrides/contacts/:id',
    { preHandler: guard, schema: { params: idParam, body: typeBody } },
    async (request) => {
      const value = { billingType: request.body.billing_type, customCents: request.body.custom_cents ?? null };
      await db
        .insert(userOverrides)
        .values({ contactId: request.params.id, ...value })
        .onConflictDoUpdate({ target: userOverrides.contactId, set: value });
      return { ok: true };
    },
  );
  app.delete(
    '/api/overrides/contacts/:id',
    { preHandler: guard, schema: { params: idParam } },
    async (request, reply) => {
      await db.delete(userOverrides).where(eq(userOverrides.contactId, request.params.id));
      return reply.code(204).send();
    },
  );

  app.put(
    '/api/overrides/assets/:id',
    { preHandler: guard, schema: { params: idParam, body: deviceBody } },
    async (request) => {
      const value = { billingType: request.body.billing_type, customCents: request.body.custom_cents ?? null };
      await db
        .insert(deviceOverrides)
        .values({ assetId: request.params.id, ...value })
        .onConflictDoUpdate({ target: deviceOverrides.assetId, set: value });
      return { ok: true };
    },
  );
  app.delete(
    '/api/overrides/assets/:id',
    { preHandler: guard, schema: { params: idParam } },
    async (request, reply) => {
      await db.delete(deviceOverrides).where(eq(deviceOverrides.assetId, request.params.id));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/clients/:account/manual-users',
    { preHandler: guard, schema: { params: account, body: manualUserBody } },
    async (request, reply) => {
      const b = request.body;
      const [row] = await db
        .insert(manualUsers)
        .values({
          accountNumber: request.params.account,
          fullName: b.full_name,
          billingType: b.billing_type,
          customCents: b.custom_cents ?? null,
        })
        .returning({ id: manualUsers.id });
      return reply.code(201).send({ id: row?.id });
    },
  );
  app.post(
    '/api/clients/:account/manual-devices',
    { preHandler: guard, schema: { params: account, body: manualDeviceBody } },
    async (request, reply) => {
      const b = request.body;
      const [row] = await db
        .insert(manualDevices)
        .values({
          accountNumber: request.params.account,
          hostname: b.hostname,
          billingType: b.billing_type,
          customCents: b.custom_cents ?? null,
          backupBytes: b.backup_bytes,
        })
        .returning({ id: manualDevices.id });
      return reply.code(201).send({ id: row?.id });
    },
  );
  app.post(
    '/api/clients/:account/line-items',
    { preHandler: guard, schema: { params: account, body: lineItemBody } },
    async (request, reply) => {
      const b = request.body;
      const [row] = await db
        .insert(lineItems)
        .values({
          accountNumber: request.params.account,
          name: b.name,
          recurringCents: b.recurring?.cents ?? null,
          firstMonth: b.recurring?.first_month ?? null,
          lastMonth: b.recurring?.last_month ?? null,
          oneOffCents: b.one_off?.cents ?? null,
          oneOffMonth: b.one_off?.month ?? null,
          yearlyCents: b.yearly?.cents ?? null,
          yearlyMonth: b.yearly?.month ?? null,
        })
        .returning({ id: lineItems.id });
      return reply.code(201).send({ id: row?.id });
    },
  );

  for (const [path, table] of [
    ['manual-users', manualUsers],
    ['manual-devices', manualDevices],
    ['line-items', lineItems],
  ] as const) {
    app.delete(
      `/api/clients/:account/${path}/:id`,
      { preHandler: guard, schema: { params: account.extend(idParam.shape) } },
      async (request, reply) => {
        const deleted = await db
          .delete(table)
          .where(and(eq(table.id, request.params.id), eq(table.accountNumber, request.params.account)))
          .returning({ id: table.id });
        if (deleted.length === 0) throw new AppError('not_found', 'No such entry for this client');
        return reply.code(204).send();
      },
    );
  }
};
