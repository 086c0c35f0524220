/**
 * Display links, admins only: the page with its forms (`/links`) and the same operations as JSON
 * (`/api/links`). The token is returned once, when the link is created; only its hash is kept.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, installFormParser, requireRole } from '@hivematrix/sdk';
import type { BeaconConfig, BoardSettings } from '../../config.js';
import { createLink, listLinks, revokeLink } from '../../db/index.js';
import type { BeaconDb, DisplayLink } from '../../db/index.js';
import { DEFAULT_DISPLAY_FIELDS, linkInput } from '../../domain/index.js';
import type { LinkInput } from '../../domain/index.js';
import { LinksPage } from '../../views/links.js';

export interface LinkRouteOptions {
  db: BeaconDb;
  config: BeaconConfig;
  settings: BoardSettings;
  now: () => Date;
}

const ADMIN = ['admin'] as const;
const idParams = z.object({ id: z.coerce.number().int().positive() });

function presentLink(link: DisplayLink) {
  return {
    id: link.id,
    name: link.name,
    view: link.viewSlug,
    agent: link.agent,
    company: link.company,
    priority: link.priority,
    fields: link.fields,
    expires_at: link.expiresAt.toISOString(),
    revoked_at: link.revokedAt?.toISOString() ?? null,
    created_by: link.createdBy,
    created_at: link.createdAt.toISOString(),
    last_used_at: link.lastUsedAt?.toISOString() ?? null,
    last_used_from: link.lastUsedFrom,
  };
}

export const linkRoutes: FastifyPluginAsync<LinkRouteOptions> = async (base, { db, config, settings, now }) => {
  installFormParser(base);
  const app = base.withTypeProvider<ZodTypeProvider>();

  async function create(request: FastifyRequest, input: LinkInput) {
    if (!settings.views.some((view) => view.slug === input.view))
      throw new AppError('validation_failed', 'There is no such view');
    const at = now();
    const { link, token } = await createLink(
      db,
      {
        name: input.name,
        viewSlug: input.view,
        agent: input.agent ?? null,
        company: input.company ?? null,
        priority: input.priority ?? null,
        fields: [...(input.fields ?? DEFAULT_DISPLAY_FIELDS)],
        expiresAt: new Date(at.getTime() + input.expires_in_days * 86_400_000),
        createdBy: request.user?.preferred_username ?? '?',
      },
      at,
    );
    request.log.info({ link: link.id, view: link.viewSlug, by: link.createdBy }, 'display link created');
    return { link, url: new URL(request.urlFor(`/display/${token}`), config.NEXUS_URL).toString() };
  }

  const page = async (
    request: FastifyRequest,
    extra: { created?: { name: string; url: string }; error?: string } = {},
  ) => (
    <LinksPage
      links={await listLinks(db)}
      views={settings.views}
      now={now()}
      action={request.urlFor('/links')}
      revokeAction={(id) => request.urlFor(`/links/${id}/revoke`)}
      {...extra}
    />
  );

  app.get('/links', { preHandler: requireRole(ADMIN, { page: true }) }, async (request, reply) =>
    reply.html(await page(request)),
  );

  app.post('/links', { preHandler: requireRole(ADMIN, { page: true }) }, async (request, reply) => {
    const parsed = linkInput.safeParse(request.body);
    if (!parsed.success)
      return reply.code(422).html(
        await page(request, {
          error: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
        }),
      );
    const { link, url } = await create(request, parsed.data);
    return reply.code(201).html(await page(request, { created: { name: link.name, url } }));
  });

  app.post(
    '/links/:id/revoke',
    { preHandler: requireRole(ADMIN, { page: true }), schema: { params: idParams } },
    async (request, reply) => {
      await revokeLink(db, request.params.id, request.user?.preferred_username ?? '?', now());
      return reply.redirect(request.urlFor('/links'), 303);
    },
  );

  app.get('/api/links', { preHandler: requireRole(ADMIN) }, async () => (await listLinks(db)).map(presentLink));

  app.post('/api/links', { preHandler: requireRole(ADMIN), schema: { body: linkInput } }, async (request, reply) => {
    const { link, url } = await create(request, request.body);
    return reply.code(201).send({ ...presentLink(link), url });
  });

  app.post(
    '/api/links/:id/revoke',
    { preHandler: requireRole(ADMIN), schema: { params: idParams } },
    async (request) => {
      if (!(await revokeLink(db, request.params.id, request.user?.preferred_username ?? '?', now())))
        throw new AppError('not_found', 'No such active link');
      request.log.info({ link: request.params.id }, 'display link revoked');
      return { id: request.params.id, revoked: true };
    },
  );
};
