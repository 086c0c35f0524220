/** `/billing-plans` pages: the matrix, the edit form of one row, create, CSV import, features. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import { addFeatureCategory, addFeatureOption, featureCatalogue, findPlanById, listPlans } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { can, parseDecimal2, parseMoney, PRICE_FIELDS } from '../../domain/index.js';
import type { PriceField } from '../../domain/index.js';
import type { Flash } from '../../views/layout.js';
import { PlanEditPage, PlansPage } from '../../views/plans.js';
import { actorOf, allow, userOf } from '../access.js';
import { formFailure } from '../companies/pages.js';
import { field } from '../forms.js';
import { flashOf, paramId, paramText, viewContext } from '../page-context.js';
import { addPlan, editPlan, importPlans } from './actions.js';

/** The billing-plan pages and their forms. */
export const planPageRoutes: FastifyPluginAsync<{ db: CodexDb; now: () => Date }> = async (app, { db, now }) => {
  async function renderMatrix(
    request: FastifyRequest,
    reply: FastifyReply,
    flash?: Flash,
    status = 200,
    csv?: string,
  ): Promise<FastifyReply> {
    const [plans, catalogue] = await Promise.all([listPlans(db), featureCatalogue(db)]);
    return reply.html(
      <PlansPage
        ctx={viewContext(request)}
        flash={flash ?? flashOf(request)}
        plans={plans}
        catalogue={catalogue}
        canEdit={can(userOf(request).permission_level, 'plan:edit')}
        {...(csv === undefined ? {} : { csv })}
      />,
      status,
    );
  }

  async function renderEdit(
    request: FastifyRequest,
    reply: FastifyReply,
    flash?: Flash,
    status = 200,
  ): Promise<FastifyReply> {
    const plan = await findPlanById(db, paramId(request, 'id'));
    if (plan === undefined) throw new AppError('not_found', 'Plan not found');
    return reply.html(
      <PlanEditPage
        ctx={viewContext(request)}
        flash={flash ?? flashOf(request)}
        plan={plan}
        catalogue={await featureCatalogue(db)}
      />,
      status,
    );
  }

  app.get('/billing-plans', { preHandler: allow('plan:read', { page: true }) }, async (request, reply) =>
    renderMatrix(request, reply),
  );
  app.get('/billing-plans/:id', { preHandler: allow('plan:edit', { page: true }) }, async (request, reply) =>
    renderEdit(request, reply),
  );

  app.post('/billing-plans/:id', { preHandler: allow('plan:edit', { page: true }) }, async (request, reply) => {
    const id = paramId(request, 'id');
    const prices: Partial<Record<PriceField, number>> = {};
    const bad: string[] = [];
    for (const name of PRICE_FIELDS) {
      const cents = parseMoney(field(request.body, name));
      if (cents === undefined) bad.push(name);
      else prices[name] = cents;
    }
    const tb = parseDecimal2(field(request.body, 'backup_included_tb'));
    const support = field(request.body, 'support_level');
    if (tb === undefined) bad.push('backup_included_tb');
    if (support !== 'Billed Hourly' && support !== 'Unlimited') bad.push('support_level');
    if (bad.length > 0 || tb === undefined || (support !== 'Billed Hourly' && support !== 'Unlimited')) {
      return renderEdit(request, reply, { variant: 'error', message: `Not saved: check ${bad.join(', ')}.` }, 400);
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    const features = Object.fromEntries(
      Object.keys(body)
        .filter((name) => name.startsWith('feature:'))
        .map((name) => [name.slice('feature:'.length), field(body, name) || null]),
    );
    try {
      await editPlan(
        db,
        actorOf(request),
        id,
        { supportLevel: support, prices, backupIncludedTb: tb, features },
        now(),
      );
    } catch (error) {
      const failure = formFailure(error);
      return renderEdit(request, reply, failure.flash, failure.status);
    }
    return reply.redirectTo('/billing-plans', { done: 'plan-row-saved' });
  });

  app.post('/billing-plans/create', { preHandler: allow('plan:edit', { page: true }) }, async (request, reply) => {
    const name = field(request.body, 'plan_name');
    if (name === '' || name.length > 100)
      return renderMatrix(
        request,
        reply,
        { variant: 'error', message: 'A plan needs a name of at most 100 characters.' },
        400,
      );
    try {
      await addPlan(db, actorOf(request), name, now());
    } catch (error) {
      const failure = formFailure(error);
      return renderMatrix(request, reply, failure.flash, failure.status);
    }
    return reply.redirectTo('/billing-plans', { done: 'plan-created' });
  });

  app.post('/billing-plans/import', { preHandler: allow('plan:edit', { page: true }) }, async (request, reply) => {
    const csv = field(request.body, 'csv');
    try {
      await importPlans(db, actorOf(request), csv, now());
    } catch (error) {
      const failure = formFailure(error);
      return renderMatrix(request, reply, failure.flash, failure.status, csv);
    }
    return reply.redirectTo('/billing-plans', { done: 'plans-imported' });
  });

  app.post('/billing-plans/features', { preHandler: allow('plan:edit', { page: true }) }, async (request, reply) => {
    const key = field(request.body, 'key');
    const displayName = field(request.body, 'display_name');
    if (!/^[a-z][a-z0-9_]{0,49}$/.test(key) || displayName === '' || displayName.length > 100) {
      return renderMatrix(
        request,
        reply,
        { variant: 'error', message: 'A category needs a lower-case key (letters, digits, _) and a display name.' },
        400,
      );
    }
    if (!(await addFeatureCategory(db, key, displayName)))
      return renderMatrix(request, reply, { variant: 'error', message: 'That category exists.' }, 409);
    return reply.redirectTo('/billing-plans', { done: 'category-added' });
  });

  app.post(
    '/billing-plans/features/:category/options',
    { preHandler: allow('plan:edit', { page: true }) },
    async (request, reply) => {
      const value = field(request.body, 'value');
      if (value === '' || value.length > 100)
        return renderMatrix(
          request,
          reply,
          { variant: 'error', message: 'An option needs a value of at most 100 characters.' },
          400,
        );
      if (!(await addFeatureOption(db, paramText(request, 'category', 50), value, null)))
        throw new AppError('not_found', 'No such category');
      return reply.redirectTo('/billing-plans', { done: 'option-added' });
    },
  );
};
