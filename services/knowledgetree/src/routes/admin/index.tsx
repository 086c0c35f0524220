/** `/admin/settings`: admins only (a page, so a missing login redirects to the gateway). */
import type { FastifyPluginAsync } from 'fastify';
import { requireRole } from '@hivematrix/sdk';
import type { KnowledgetreeConfig } from '../../config.js';
import { SettingsPage } from '../../views/settings.js';

/** Variables whose values are never shown, even to admins. */
const SECRET = /SECRET|PASSWORD|TOKEN|KEY|DATABASE_URL/;

export const adminRoutes: FastifyPluginAsync<{ config: KnowledgetreeConfig }> = async (app, { config }) => {
  app.get('/admin/settings', { preHandler: requireRole(['admin'], { page: true }) }, async (request, reply) => {
    const settings = Object.fromEntries(
      Object.entries(config).map(([name, value]) => [name, SECRET.test(name) ? '(hidden)' : String(value)]),
    );
    return reply.html(
      <SettingsPage
        settings={settings}
        links={{ codexSync: request.urlFor('/admin/codex-sync'), docs: request.urlFor('/docs') }}
      />,
    );
  });
};
