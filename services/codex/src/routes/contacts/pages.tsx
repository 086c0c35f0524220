/** `/contacts` pages and the roles form. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { listContacts, updateContact } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { can } from '../../domain/index.js';
import { ContactDetailPage, ContactsPage } from '../../views/contacts.js';
import { allow, scopeOf, userOf } from '../access.js';
import { values } from '../forms.js';
import { flashOf, paramId, viewContext } from '../page-context.js';
import { CONTACT_ROLES, visibleContact } from './api.js';

const listQuery = z.object({
  q: z.string().trim().max(200).catch(''),
  company: z.string().trim().max(50).catch(''),
  active: z.enum(['active', 'inactive', 'all']).catch('active'),
  sort: z.enum(['name', 'email']).catch('name'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** The contacts pages and the roles form. */
export const contactPageRoutes: FastifyPluginAsync<{ db: CodexDb; now: () => Date }> = async (app, { db, now }) => {
  app.get('/contacts', { preHandler: allow('directory:read', { page: true }) }, async (request, reply) => {
    const query = listQuery.parse(request.query);
    const result = await listContacts(db, {
      ...query,
      accountNumber: query.company || undefined,
      archived: 'active',
      perPage: 50,
      scope: await scopeOf(request, db),
    });
    return reply.html(
      <ContactsPage ctx={viewContext(request)} flash={flashOf(request)} result={result} filters={query} />,
    );
  });

  app.get('/contacts/:id', { preHandler: allow('directory:read', { page: true }) }, async (request, reply) => {
    const id = paramId(request, 'id');
    const found = await visibleContact(request, db, id);
    return reply.html(
      <ContactDetailPage
        ctx={viewContext(request)}
        flash={flashOf(request)}
        contact={found.contact}
        assets={found.assets}
        roles={CONTACT_ROLES}
        canEdit={can(userOf(request).permission_level, 'contact:edit')}
      />,
    );
  });

  app.post('/contacts/:id/roles', { preHandler: allow('contact:edit', { page: true }) }, async (request, reply) => {
    const id = paramId(request, 'id');
    const found = await visibleContact(request, db, id);
    const roles = values(request.body, 'roles').filter((role): role is (typeof CONTACT_ROLES)[number] =>
      (CONTACT_ROLES as readonly string[]).includes(role),
    );
    await updateContact(db, found.contact.id, { roles: [...new Set(roles)] }, now());
    return reply.redirectTo(`/contacts/${found.contact.id}`, { done: 'roles-saved' });
  });
};
