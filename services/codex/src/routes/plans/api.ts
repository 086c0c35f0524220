/** `/api/billing-plans…` and `/api/features…`: the plan catalogue, its CSV form and the feature matrix. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import {
  addFeatureCategory,
  addFeatureOption,
  featureCatalogue,
  findPlan,
  findPlanById,
  listPlans,
} from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { normaliseTerm, parseDecimal2, PRICE_FIELDS, SERVICE_ACCESS, TERMS } from '../../domain/index.js';
import type { PriceField } from '../../domain/index.js';
import { actorOf, allow } from '../access.js';
import { planSchema, presentPlan } from '../api-schemas.js';
import { addPlan, editPlan, exportPlans, importPlans } from './actions.js';

const cents = z.number().int().min(0).max(100_000_000);
const planPatch = z.object({
  support_level: z.enum(['Billed Hourly', 'Unlimited']).optional(),
  prices_cents: z
    .object(
      Object.fromEntries(PRICE_FIELDS.map((field) => [field, cents.optional()])) as Record<
        PriceField,
        z.ZodOptional<typeof cents>
      >,
    )
    .optional(),
  backup_included_tb: z.number().min(0).max(1_000_000).optional(),
  features: z.record(z.string(), z.string().max(100).nullable()).optional(),
});
const categorySchema = z.object({
  key: z.string(),
  display_name: z.string(),
  options: z.array(z.object({ id: z.number().int(), value: z.string(), description: z.string().nullable() })),
});

/** The plan catalogue API: read by staff and Ledger, changed by billing and admins. */
export const planApiRoutes: FastifyPluginAsync<{ db: CodexDb; now: () => Date }> = async (base, { db, now }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const readers = { services: SERVICE_ACCESS.plans };
  const readAccess = 'admin, technician, billing; services: ' + readers.services.join(', ');

  app.get(
    '/api/billing-plans',
    {
      preHandler: allow('plan:read', readers),
      schema: {
        querystring: z.object({ plan_name: z.string().max(100).optional(), term: z.string().max(40).optional() }),
        response: { 200: z.array(planSchema) },
      },
      config: {
        summary: 'Every plan and term with prices (integer cents) and features; filter by plan_name and term',
        access: readAccess,
      },
    },
    async (request) => {
      const term = request.query.term === undefined ? undefined : normaliseTerm(request.query.term);
      return (await listPlans(db))
        .filter(
          (plan) =>
            (request.query.plan_name === undefined || plan.planName === request.query.plan_name) &&
            (term === undefined || plan.term === term),
        )
        .map(presentPlan);
    },
  );

  app.get(
    '/api/billing-plans/export.csv',
    {
      preHandler: allow('plan:read', readers),
      config: {
        summary: 'The catalogue as CSV (one row per plan and term, feature:<key> columns)',
        access: readAccess,
      },
    },
    async (_request, reply) => {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="billing-plans.csv"')
        .send(await exportPlans(db));
    },
  );

  app.get(
    '/api/billing-plans/lookup',
    {
      preHandler: allow('plan:read', readers),
      schema: {
        querystring: z.object({ plan_name: z.string().min(1).max(100), term: z.string().max(40).optional() }),
        response: { 200: planSchema },
      },
      config: {
        summary: 'One plan by name and term (any common spelling of the term; none means month-to-month)',
        access: readAccess,
      },
    },
    async (request) => {
      const term =
        request.query.term === undefined || request.query.term === ''
          ? 'Month to Month'
          : normaliseTerm(request.query.term);
      if (term === null) throw new AppError('validation_failed', `term must be one of ${TERMS.join(', ')}`);
      const plan = await findPlan(db, request.query.plan_name, term);
      if (plan === undefined) throw new AppError('not_found', 'No such plan and term');
      return presentPlan(plan);
    },
  );

  app.get(
    '/api/billing-plans/:id',
    {
      preHandler: allow('plan:read', readers),
      schema: { params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: planSchema } },
      config: { summary: 'One plan row', access: readAccess },
    },
    async (request) => {
      const plan = await findPlanById(db, request.params.id);
      if (plan === undefined) throw new AppError('not_found', 'Plan not found');
      return presentPlan(plan);
    },
  );

  app.post(
    '/api/billing-plans',
    {
      preHandler: allow('plan:edit'),
      schema: {
        body: z.object({ plan_name: z.string().trim().min(1).max(100) }),
        response: { 201: z.array(planSchema) },
      },
      config: { summary: 'Create a plan: all four terms at the default prices', access: 'admin, billing' },
    },
    async (request, reply) => {
      await addPlan(db, actorOf(request), request.body.plan_name, now());
      const plans = (await listPlans(db)).filter((plan) => plan.planName === request.body.plan_name);
      return reply.code(201).send(plans.map(presentPlan));
    },
  );

  app.put(
    '/api/billing-plans/:id',
    {
      preHandler: allow('plan:edit'),
      schema: {
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: planPatch,
        response: { 200: planSchema },
      },
      config: {
        summary: 'Change a plan row: support level, prices (cents), included TB, features',
        access: 'admin, billing',
      },
    },
    async (request) => {
      const body = request.body;
      const prices = Object.fromEntries(
        Object.entries(body.prices_cents ?? {}).filter(([, value]) => value !== undefined),
      ) as Partial<Record<PriceField, number>>;
      const tb = body.backup_included_tb === undefined ? undefined : parseDecimal2(body.backup_included_tb.toFixed(2));
      const plan = await editPlan(
        db,
        actorOf(request),
        request.params.id,
        {
          ...(body.support_level !== undefined ? { supportLevel: body.support_level } : {}),
          prices,
          ...(tb !== undefined ? { backupIncludedTb: tb } : {}),
          ...(body.features !== undefined ? { features: body.features } : {}),
        },
        now(),
      );
      return presentPlan(plan);
    },
  );

  app.post(
    '/api/billing-plans/import',
    {
      preHandler: allow('plan:edit'),
      schema: {
        body: z.string().max(1024 * 1024),
        response: { 200: z.object({ created: z.number().int(), updated: z.number().int() }) },
      },
      config: {
        summary: 'Import a CSV catalogue (Content-Type: text/csv); existing plan+term rows are updated; all or nothing',
        access: 'admin, billing',
      },
    },
    async (request) => importPlans(db, actorOf(request), request.body, now()),
  );

  app.get(
    '/api/features',
    {
      preHandler: allow('plan:read', readers),
      schema: { response: { 200: z.array(categorySchema) } },
      config: { summary: 'Feature categories and their options', access: readAccess },
    },
    async () =>
      (await featureCatalogue(db)).map((category) => ({
        key: category.key,
        display_name: category.displayName,
        options: category.options,
      })),
  );

  app.post(
    '/api/features',
    {
      preHandler: allow('plan:edit'),
      schema: {
        body: z.object({
          key: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/),
          display_name: z.string().trim().min(1).max(100),
        }),
        response: { 201: z.object({ key: z.string() }) },
      },
      config: {
        summary: 'Add a feature category (with "Not Included" and "Included" options)',
        access: 'admin, billing',
      },
    },
    async (request, reply) => {
      if (!(await addFeatureCategory(db, request.body.key, request.body.display_name)))
        throw new AppError('conflict', 'That category exists');
      return reply.code(201).send({ key: request.body.key });
    },
  );

  app.post(
    '/api/features/:category/options',
    {
      preHandler: allow('plan:edit'),
      schema: {
        params: z.object({ category: z.string().max(50) }),
        body: z.object({
          value: z.string().trim().min(1).max(100),
          description: z.string().trim().max(500).nullable().optional(),
        }),
        response: { 201: z.object({ category: z.string(), value: z.string() }) },
      },
      config: { summary: 'Add an option to a feature category', access: 'admin, billing' },
    },
    async (request, reply) => {
      if (!(await addFeatureOption(db, request.params.category, request.body.value, request.body.description ?? null)))
        throw new AppError('not_found', 'No such category');
      return reply.code(201).send({ category: request.params.category, value: request.body.value });
    },
  );
};
