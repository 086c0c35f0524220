/** `/api/contacts…`: contacts with their companies; technicians edit the fields Codex owns (roles). */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import { findContact, listContacts, updateContact } from '../../db/index.js';
import type { Asset, CodexDb, ContactWithCompanies } from '../../db/index.js';
import { inScope, SERVICE_ACCESS } from '../../domain/index.js';
import { allow, scopeOf } from '../access.js';
import { assetSchema, contactSchema, pageOf, pagingQuery, presentAsset, presentContact } from '../api-schemas.js';

export const contactListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  company: z.string().trim().max(50).optional(),
  active: z.enum(['active', 'inactive', 'all']).default('active'),
  archived: z.enum(['active', 'archived', 'all']).default('active'),
  sort: z.enum(['name', 'email']).default('name'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  ...pagingQuery,
});
const idParams = z.object({ id: z.coerce.number().int().positive() });

/** Roles Codex records for contacts (the PSA has none of these). */
export const CONTACT_ROLES = ['primary', 'billing', 'technical', 'decision_maker', 'after_hours'] as const;

/** Loads a contact the caller may see (a client: a contact of one of its companies), or 404. */
export async function visibleContact(
  request: FastifyRequest,
  db: CodexDb,
  id: number,
): Promise<{ contact: ContactWithCompanies; assets: Asset[] }> {
  const scope = await scopeOf(request, db);
  // The companies and assets come back already limited to the caller's scope.
  const found = await findContact(db, id, scope);
  if (
    found === undefined ||
    (scope.kind === 'only' && !found.contact.companies.some((company) => inScope(scope, company.id)))
  ) {
    throw new AppError('not_found', 'Contact not found');
  }
  return found;
}

/** The contacts API. */
export const contactApiRoutes: FastifyPluginAsync<{ db: CodexDb; now: () => Date }> = async (base, { db, now }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const readers = { services: SERVICE_ACCESS.contacts };

  app.get(
    '/api/contacts',
    {
      preHandler: allow('directory:read', readers),
      schema: { querystring: contactListQuery, response: { 200: pageOf(contactSchema) } },
      config: {
        summary: 'Contacts: search (name, e-mail), filter by company and active state, paged',
        access: 'users (clients: their companies); services: ' + readers.services.join(', '),
      },
    },
    async (request) => {
      const query = request.query;
      const result = await listContacts(db, {
        q: query.q,
        accountNumber: query.company,
        active: query.active,
        archived: query.archived,
        sort: query.sort,
        dir: query.dir,
        page: query.page,
        perPage: query.per_page,
        scope: await scopeOf(request, db),
      });
      return {
        items: result.items.map(presentContact),
        page: query.page,
        per_page: query.per_page,
        total: result.total,
      };
    },
  );

  app.get(
    '/api/contacts/:id',
    {
      preHandler: allow('directory:read', readers),
      schema: {
        params: idParams,
        response: { 200: z.object({ contact: contactSchema, assets: z.array(assetSchema) }) },
      },
      config: {
        summary: 'One contact with its companies and linked assets',
        access: 'users (clients: their companies); services: ' + readers.services.join(', '),
      },
    },
    async (request) => {
      const found = await visibleContact(request, db, request.params.id);
      return { contact: presentContact(found.contact), assets: found.assets.map((asset) => presentAsset(asset)) };
    },
  );

  app.patch(
    '/api/contacts/:id',
    {
      preHandler: allow('contact:edit'),
      schema: {
        params: idParams,
        body: z.object({ roles: z.array(z.enum(CONTACT_ROLES)).max(CONTACT_ROLES.length) }),
        response: { 200: contactSchema },
      },
      config: {
        summary: "Set a contact's roles (names, e-mail and phones come from the PSA)",
        access: 'admin, technician',
      },
    },
    async (request) => {
      const found = await visibleContact(request, db, request.params.id);
      await updateContact(db, found.contact.id, { roles: [...new Set(request.body.roles)] }, now());
      const reloaded = await visibleContact(request, db, request.params.id);
      return presentContact(reloaded.contact);
    },
  );
};
