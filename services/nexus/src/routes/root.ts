/**
 * `/`: sends a signed-in user to their home page (codex's setting, see prefs/refresh.ts) or else
 * the first service they may open (registry order, apps first), and a visitor to the login. The end of an RP-initiated logout lands here too (with our signed
 * `state`): that answer clears the site's cookies and storage, then goes to the login.
 */
import type { FastifyPluginAsync } from 'fastify';
import { AppError, isNavigation } from '@hivematrix/sdk';
import { isLogoutState } from '../auth/logout-state.js';
import { composeContext, enforceRateLimit, type Gateway } from '../gateway.js';
import { refreshPrefs } from '../prefs/refresh.js';
import { homeFor } from '../registry/access.js';

const NO_SERVICES_PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>HiveMatrix</title></head>
<body><main class="page"><div class="empty-state"><h1 class="empty-state__title">No services available</h1>
<p class="empty-state__text">No service is open to your permission level yet. Ask an administrator.</p></div></main></body></html>`;

export const rootRoutes: FastifyPluginAsync<{ gw: Gateway }> = async (app, { gw }) => {
  app.get('/', async (request, reply) => {
    const state = (request.query as Record<string, unknown>)['state'];
    if (isLogoutState(gw.settings.logoutStateKey, state, gw.now())) {
      return reply
        .header('Clear-Site-Data', '"cache", "cookies", "storage"')
        .header('Cache-Control', 'no-store')
        .redirect('/login', 302);
    }
    const active = await gw.sessions.resolve(request);
    if (active === null) {
      if (!isNavigation(request)) throw new AppError('unauthorized', 'Sign in first.');
      return reply.redirect('/login', 302);
    }
    enforceRateLimit(gw, request, active);
    await refreshPrefs(gw, active);
    const home = homeFor(gw.registry.current(), active.user.permission_level, active.session.prefs.homePage);
    if (home !== null) return reply.header('Cache-Control', 'no-store').redirect(`/${home}/`, 302);
    return reply.type('text/html; charset=utf-8').send(gw.composer.composePage(NO_SERVICES_PAGE, composeContext(gw, active, null)));
  });
};
