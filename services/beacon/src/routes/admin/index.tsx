/** `/admin/settings`: admins only (a page, so a missing login redirects to the gateway). */
import type { FastifyPluginAsync } from 'fastify';
import { requireRole } from '@hivematrix/sdk';
import type { BeaconConfig } from '../../config.js';
import { SettingsPage } from '../../views/settings.js';

/** Variables whose values are never shown, even to admins. */
const SECRET = /SECRET|PASSWORD|TOKEN|KEY|DATABASE_URL/;

export const adminRoutes: FastifyPluginAsync<{ config: BeaconConfig }> = async (app, { config }) => {
  app.get('/admin/settings', { preHandler: requireRole(['admin'], { page: true }) }, async (_request, reply) => {
    const settings = Object.fromEntries(
      Object.entries(config).map(([name, value]) => [
        name,
        SECRET.test(name) ? '(hidden)' : typeof value === 'object' ? JSON.stringify(value) : String(value),
      ]),
    );
    return reply.html(<SettingsPage settings={settings} />);
  });
};
