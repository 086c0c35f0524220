/**
 * Ending sessions.
 *
 * `/logout` (POST, or a same-origin GET from the side panel's link): revoke the session at core,
 * drop it here, clear the gateway's cookies, then RP-initiated logout at the identity provider
 * (OIDC RP-Initiated Logout 1.0) with the id_token as hint. The identity provider needs its own
 * cookie to end its session, so this answer clears cache and storage only; the provider's redirect
 * back to `/` carries our signed `state`, and that answer adds `Clear-Site-Data: "cookies"`.
 *
 * `/backchannel-logout`: the identity provider tells us a session ended there (OIDC Back-Channel
 * Logout 1.0 §2.5): the matching local sessions are dropped and core revokes its sessions.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { logoutState } from '../auth/index.js';
import { enforceRateLimit, type Gateway } from '../gateway.js';
import { LOGIN_COOKIE, SESSION_COOKIE, clearCookie } from '../session/index.js';

/** A page asking to confirm a logout that another site started (no script: a plain form). */
const CONFIRM_PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head>
<body><main class="page"><div class="card"><h1 class="card__title">Sign out of HiveMatrix?</h1>
<form method="post" action="/logout"><button class="btn btn--primary" type="submit">Sign out</button>
<a class="btn btn--secondary" href="/">Cancel</a></form></div></main></body></html>`;

export const logoutRoutes: FastifyPluginAsync<{ gw: Gateway }> = async (app, { gw }) => {
  async function logout(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const active = await gw.sessions.resolve(request);
    if (active !== null) {
      const revoked = await gw.core.revoke(active.session.token);
      if (!revoked)
        request.log.warn(
          { jti: active.user.jti },
          'core did not confirm the revocation; the session is dropped here anyway',
        );
      await gw.sessions.destroy(active.key);
      request.log.info({ sub: active.user.sub, jti: active.user.jti }, 'signed out');
    }
    const endSession = await gw.oidc.endSessionUrl(active?.session.idToken).catch(() => null);
    void reply
      .header('Set-Cookie', [clearCookie(SESSION_COOKIE), clearCookie(LOGIN_COOKIE)])
      .header('Cache-Control', 'no-store');
    if (endSession === null) {
      return reply.header('Clear-Site-Data', '"cache", "cookies", "storage"').redirect('/login', 303);
    }
    endSession.searchParams.set('state', logoutState(gw.settings.logoutStateKey, gw.now()));
    return reply.header('Clear-Site-Data', '"cache", "storage"').redirect(endSession.href, 303);
  }

  app.post('/logout', logout);
  app.get('/logout', async (request, reply) => {
    // A top-level GET from another site carries the Lax cookie: ask before ending the session.
    const site = request.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') {
      return reply
        .type('text/html; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .send(
          gw.composer.composePage(CONFIRM_PAGE, {
            theme: 'light',
            accent: 'purple',
            sidebarCollapsed: false,
            nav: [],
            user: null,
            assetVersion: gw.assetVersion,
          }),
        );
    }
    return logout(request, reply);
  });

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: gw.settings.apiMaxBody },
    (_request, body, done) => {
      done(null, new URLSearchParams(body as string));
    },
  );

  app.post('/backchannel-logout', async (request, reply) => {
    enforceRateLimit(gw, request, null);
    void reply.header('Cache-Control', 'no-store');
    const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
    const token = form.get('logout_token');
    // §2.8: an invalid request is answered 400 with an OAuth-style error body.
    if (token === null)
      return reply.code(400).send({ error: 'invalid_request', error_description: 'logout_token is required' });
    let target;
    try {
      target = await gw.validateLogoutToken(token);
    } catch (error) {
      request.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'logout token refused');
      return reply.code(400).send({ error: 'invalid_request', error_description: 'invalid logout_token' });
    }
    if (target.jti !== undefined && !(await gw.store.rememberLogoutJti(target.jti, 15 * 60_000))) {
      return reply.code(400).send({ error: 'invalid_request', error_description: 'logout_token replayed' });
    }
    const dropped = await gw.sessions.dropMatching({ sid: target.sid, sub: target.sub });
    let coreDone = false;
    if (target.sid !== undefined) {
      try {
        await gw.core.revokeIdentitySession(target.sid);
        coreDone = true;
      } catch (error) {
        request.log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'core could not revoke the identity session',
        );
      }
    }
    if (!coreDone) for (const session of dropped) await gw.core.revoke(session.token);
    request.log.info({ sid: target.sid, sub: target.sub, sessions: dropped.length }, 'back-channel logout');
    return reply.code(200).send();
  });
};
