/**
 * `/`: sends a signed-in user to the home page they saved (codex's setting, see prefs/refresh.ts)
 * when they may open it, or else shows the platform home (home/: panels read from each service
 * with the user's own token), and a visitor to the login. The end of an RP-initiated logout lands here too (with our signed
 * `state`): that answer clears the site's cookies and storage, then goes to the login.
 */
import type { FastifyPluginAsync } from 'fastify';
import { AppError, isNavigation } from '@hivematrix/sdk';
import { isLogoutState } from '../auth/index.js';
import { composeContext, enforceRateLimit, type Gateway } from '../gateway.js';
import { refreshPrefs } from '../prefs/index.js';
import { renderHomePage, loadHome, shortcutsFor } from '../home/index.js';
import { homeFor } from '../registry/index.js';

/** Each panel's read may take this long: the page waits for the slowest, so keep it short. */
const PANEL_TIMEOUT_MS = 3000;

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
    const services = gw.registry.current();
    const level = active.user.permission_level;
    const saved = active.session.prefs.homePage;
    // A saved home page wins when the user may still open it (homeFor returns it unchanged then).
    if (saved !== null && homeFor(services, level, saved) === saved)
      return reply.header('Cache-Control', 'no-store').redirect(`/${saved}/`, 302);
    if (homeFor(services, level) === null) {
      return reply
        .type('text/html; charset=utf-8')
        .send(gw.composer.composePage(NO_SERVICES_PAGE, composeContext(gw, active, null)));
    }
    const data = await loadHome(
      { services, token: active.session.token, fetch: globalThis.fetch, timeoutMs: PANEL_TIMEOUT_MS },
      level,
    );
    const page = renderHomePage({ userName: active.user.name, data, shortcuts: shortcutsFor(services, level) });
    return reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(gw.composer.composePage(page, composeContext(gw, active, null)));
  });
};
