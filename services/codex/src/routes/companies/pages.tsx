/** `/companies` pages and their forms. A form that fails validation shows the page again with the reason. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import {
  addLocation,
  auditOf,
  COMPANY_SORTS,
  contactsOfCompanies,
  deleteLocation,
  effectiveFeatures,
  featureCatalogue,
  listAssets,
  listCompanies,
  locationsOf,
  planNames,
  ticketsOfCompany,
} from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { can } from '../../domain/index.js';
import { CompaniesPage } from '../../views/companies.js';
import { CompanyDetailPage } from '../../views/company-detail.js';
import type { Flash } from '../../views/layout.js';
import { actorOf, allow, scopeOf, userOf } from '../access.js';
import { field, values } from '../forms.js';
import { flashOf, paramId, paramText, viewContext } from '../page-context.js';
import { changeFeatures, changePlan, editDetails } from './actions.js';
import { visibleCompany } from './api.js';
import type { CompanyKnowledgeOf } from '../../knowledge/index.js';

const listQuery = z.object({
  q: z.string().trim().max(200).catch(''),
  sort: z.enum(COMPANY_SORTS).catch('name'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  archived: z.enum(['active', 'archived', 'all']).catch('active'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** A failed form's message for the page it is shown on (validation details joined). */
export function formFailure(error: unknown): { flash: Flash; status: number } {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
  const details = error.errors?.map((entry) => `${entry.path.replace(/^body\./, '')}: ${entry.message}`).join('; ');
  return {
    flash: {
      variant: 'error',
      message: details === undefined || details === '' ? error.message : `${error.message} ${details}`,
    },
    status: error.status,
  };
}

/** The companies pages and the forms of a company. */
export const companyPageRoutes: FastifyPluginAsync<{
  db: CodexDb;
  now: () => Date;
  knowledgeOf: CompanyKnowledgeOf;
}> = async (app, { db, now, knowledgeOf }) => {
  app.get('/companies', { preHandler: allow('directory:read', { page: true }) }, async (request, reply) => {
    const query = listQuery.parse(request.query);
    const result = await listCompanies(db, { ...query, perPage: 50, scope: await scopeOf(request, db) });
    return reply.html(
      <CompaniesPage
        ctx={viewContext(request)}
        flash={flashOf(request)}
        result={result}
        q={query.q}
        sort={query.sort}
        dir={query.dir}
        archived={query.archived}
      />,
    );
  });

  async function renderDetail(
    request: FastifyRequest,
    reply: FastifyReply,
    account: string,
    flash?: Flash,
    status = 200,
  ): Promise<FastifyReply> {
    const company = await visibleCompany(request, db, account);
    const level = userOf(request).permission_level;
    // Knowledgetree is asked alongside the database reads (with the user's own token, a short timeout).
    const knowledgePromise = knowledgeOf(request.headers.authorization, company.accountNumber);
    const [locations, features, catalogue, names, contacts, assets, tickets, audit, knowledge] = await Promise.all([
      locationsOf(db, company.id),
      effectiveFeatures(db, company),
      featureCatalogue(db),
      planNames(db),
      contactsOfCompanies(db, [company.id]),
      listAssets(db, {
        accountNumber: company.accountNumber,
        archived: 'active',
        sort: 'hostname',
        dir: 'asc',
        page: 1,
        perPage: 100,
        scope: { kind: 'all' },
      }),
      ticketsOfCompany(db, company.id, 20),
      can(level, 'audit:read') ? auditOf(db, 'company', company.accountNumber, 10) : Promise.resolve([]),
      knowledgePromise,
    ]);
    if (knowledge.status === 'unavailable')
      request.log.warn({ reason: knowledge.reason }, 'knowledgetree articles of the company unavailable');
    return reply.html(
      <CompanyDetailPage
        ctx={viewContext(request)}
        flash={flash ?? flashOf(request)}
        company={company}
        locations={locations}
        features={features}
        catalogue={catalogue}
        planNames={names}
        contacts={contacts}
        assets={assets}
        tickets={tickets}
        audit={audit}
        knowledge={knowledge}
        canEditDetails={can(level, 'company:edit')}
        canEditPlan={can(level, 'company:plan')}
      />,
      status,
    );
  }

  const params = (request: FastifyRequest) => ({ account: paramText(request, 'account', 50) });
  const back = (reply: FastifyReply, account: string, done: string) =>
    reply.redirectTo(`/companies/${encodeURIComponent(account)}`, { done });

  app.get('/companies/:account', { preHandler: allow('directory:read', { page: true }) }, async (request, reply) =>
    renderDetail(request, reply, params(request).account),
  );

  app.post(
    '/companies/:account/plan',
    { preHandler: allow('company:plan', { page: true }) },
    async (request, reply) => {
      const { account } = params(request);
      const company = await visibleCompany(request, db, account);
      const start = field(request.body, 'contract_start');
      try {
        await changePlan(
          db,
          actorOf(request),
          company,
          {
            planName: field(request.body, 'plan_name') || null,
            contractTerm: field(request.body, 'contract_term') || null,
            contractStart: start || null,
          },
          now(),
        );
      } catch (error) {
        const failure = formFailure(error);
        return renderDetail(request, reply, account, failure.flash, failure.status);
      }
      return back(reply, account, 'plan-saved');
    },
  );

  app.post(
    '/companies/:account/features',
    { preHandler: allow('company:plan', { page: true }) },
    async (request, reply) => {
      const { account } = params(request);
      const company = await visibleCompany(request, db, account);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const overrides = Object.fromEntries(
        Object.keys(body)
          .filter((name) => name.startsWith('feature:'))
          .map((name) => [name.slice('feature:'.length), field(body, name) || null]),
      );
      try {
        await changeFeatures(db, actorOf(request), company, overrides, now());
      } catch (error) {
        const failure = formFailure(error);
        return renderDetail(request, reply, account, failure.flash, failure.status);
      }
      return back(reply, account, 'features-saved');
    },
  );

  app.post(
    '/companies/:account/details',
    { preHandler: allow('company:edit', { page: true }) },
    async (request, reply) => {
      const { account } = params(request);
      const company = await visibleCompany(request, db, account);
      const level = z.enum(['standard', 'cjis', 'hipaa']).safeParse(field(request.body, 'compliance_level'));
      const domains = field(request.body, 'domains')
        .split(/[\s,]+/)
        .map((domain) => domain.trim().toLowerCase())
        .filter(Boolean);
      const badDomain = domains.find((domain) => !/^[a-z0-9.-]{1,253}$/.test(domain));
      if (!level.success || badDomain !== undefined || domains.length > 50) {
        return renderDetail(
          request,
          reply,
          account,
          {
            variant: 'error',
            message: badDomain !== undefined ? `"${badDomain}" is not a domain.` : 'Choose a compliance level.',
          },
          400,
        );
      }
      const text = (name: string, max: number) => field(request.body, name).slice(0, max) || null;
      await editDetails(
        db,
        company,
        {
          complianceLevel: level.data,
          domains,
          description: text('description', 5000),
          mainLocation: text('main_location', 500),
          phone: text('phone', 50),
          emailSystem: text('email_system', 100),
          phoneSystem: text('phone_system', 100),
        },
        now(),
      );
      return back(reply, account, 'details-saved');
    },
  );

  app.post(
    '/companies/:account/locations',
    { preHandler: allow('company:edit', { page: true }) },
    async (request, reply) => {
      const { account } = params(request);
      const company = await visibleCompany(request, db, account);
      const name = field(request.body, 'name');
      const address = field(request.body, 'address');
      if (name === '' || address === '' || name.length > 150 || address.length > 500) {
        return renderDetail(
          request,
          reply,
          account,
          {
            variant: 'error',
            message: 'A location needs a name (at most 150 characters) and an address (at most 500).',
          },
          400,
        );
      }
      await addLocation(
        db,
        company.id,
        { name, address, phone: values(request.body, 'phone')[0]?.trim().slice(0, 50) || null },
        now(),
      );
      return back(reply, account, 'location-added');
    },
  );

  app.post(
    '/companies/:account/locations/:id/delete',
    { preHandler: allow('company:edit', { page: true }) },
    async (request, reply) => {
      const { account } = params(request);
      const id = paramId(request, 'id');
      const company = await visibleCompany(request, db, account);
      if (!(await deleteLocation(db, company.id, id))) throw new AppError('not_found', 'Location not found');
      return back(reply, account, 'location-deleted');
    },
  );
};
