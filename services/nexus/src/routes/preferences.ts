/**
 * `GET|PUT /api/preferences`: the signed-in user's theme, accent colour and side-panel state, kept
 * in the session and used to compose every page, and written through to codex's settings (when
 * codex runs) so the choice follows the user to their next session. The theme toggle script calls
 * PUT (same origin, JSON; the CSRF check applies as to every unsafe method).
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import { enforceRateLimit, type Gateway } from '../gateway.js';
import type { RequestLike } from '../session/index.js';

const PreferencesUpdate = z.strictObject({
  theme: z.enum(['light', 'dark']).optional(),
  // A slug: the design system defines the colours; this only keeps markup out of an attribute.
  accent: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/)
    .optional(),
  sidebarCollapsed: z.boolean().optional(),
});

export const preferencesRoutes: FastifyPluginAsync<{ gw: Gateway }> = async (app, { gw }) => {
  async function activeOrThrow(request: RequestLike) {
    const active = await gw.sessions.resolve(request);
    if (active === null) throw new AppError('unauthorized', 'Sign in first.');
    return active;
  }

  app.get('/api/preferences', async (request, reply) => {
    const active = await activeOrThrow(request);
    enforceRateLimit(gw, request, active);
    return reply.header('Cache-Control', 'no-store').send(active.session.prefs);
  });

  app.put('/api/preferences', { bodyLimit: gw.settings.apiMaxBody }, async (request, reply) => {
    const active = await activeOrThrow(request);
    enforceRateLimit(gw, request, active);
    const parsed = PreferencesUpdate.safeParse(request.body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        path: ['body', ...issue.path].join('.'),
        message: issue.message,
      }));
      throw new AppError('validation_failed', 'The preferences are not valid.', { errors });
    }
    const update = parsed.data;
    const prefs = {
      theme: update.theme ?? active.session.prefs.theme,
      accent: update.accent ?? active.session.prefs.accent,
      sidebarCollapsed: update.sidebarCollapsed ?? active.session.prefs.sidebarCollapsed,
      homePage: active.session.prefs.homePage,
    };
    await gw.sessions.savePrefs(active, prefs);
    if (update.theme !== undefined || update.accent !== undefined) {
      const saved = await gw.userSettings.write(active.session.token, {
        ...(update.theme ? { theme: update.theme } : {}),
        ...(update.accent ? { accent: update.accent } : {}),
      });
      if (!saved) request.log.debug('preferences kept in the session only (codex absent or refused)');
    }
    return reply.header('Cache-Control', 'no-store').send(prefs);
  });
};
