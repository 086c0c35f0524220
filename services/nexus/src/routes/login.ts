/**
 * `/login` and `/keycloak-callback`: the OIDC authorization code flow with state, nonce and PKCE.
 *
 * The transaction (state, nonce, PKCE verifier, where to go next) lives on the server under a
 * one-use id in a `__Host-` cookie, so the callback is bound to the browser that started the login
 * (RFC 6749 §10.12). After the id_token is validated, the access token is exchanged at core for the
 * platform JWT and a new session id is issued (never a pre-login one: no session fixation).
 */
import type { FastifyPluginAsync } from 'fastify';
import { AppError, safeNextPath } from '@hivematrix/sdk';
import { newLoginSecrets } from '../auth/index.js';
import { enforceRateLimit, type Gateway } from '../gateway.js';
import {
  LOGIN_COOKIE,
  SESSION_COOKIE,
  clearCookie,
  isOpaqueId,
  newOpaqueId,
  parseCookies,
  setCookie,
  storeKey,
} from '../session/index.js';

/** A query value when it was given once as text. */
function single(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

export const loginRoutes: FastifyPluginAsync<{ gw: Gateway }> = async (app, { gw }) => {
  app.get('/login', async (request, reply) => {
    const next = safeNextPath(single(request.query, 'next'));
    const active = await gw.sessions.resolve(request);
    if (active !== null) return reply.redirect(next, 302);
    enforceRateLimit(gw, request, null);

    const secrets = await newLoginSecrets();
    let target: URL;
    try {
      target = await gw.oidc.authorizationUrl(secrets);
    } catch (error) {
      throw new AppError(
        'service_unavailable',
        'The sign-in service is not reachable right now. Please try again in a moment.',
        { cause: error, retryAfter: 5 },
      );
    }
    const txId = newOpaqueId();
    await gw.store.putLogin(
      storeKey(txId),
      { state: secrets.state, nonce: secrets.nonce, codeVerifier: secrets.codeVerifier, next, createdAt: gw.now() },
      gw.settings.loginTtlMs,
    );
    return reply
      .header('Set-Cookie', setCookie(LOGIN_COOKIE, txId, Math.round(gw.settings.loginTtlMs / 1000)))
      .header('Cache-Control', 'no-store')
      .redirect(target.href, 302);
  });

  app.get('/keycloak-callback', async (request, reply) => {
    enforceRateLimit(gw, request, null);
    const cookies = parseCookies(request.headers.cookie);
    const txId = cookies.get(LOGIN_COOKIE);
    const tx = isOpaqueId(txId) ? await gw.store.takeLogin(storeKey(txId)) : null;
    void reply.header('Set-Cookie', clearCookie(LOGIN_COOKIE)).header('Cache-Control', 'no-store');

    const error = single(request.query, 'error');
    if (error !== undefined) {
      // Shown as text by the composer (escaped): the original reflected it as HTML.
      const description = single(request.query, 'error_description');
      const detail = description === undefined ? error : `${error}: ${description}`;
      throw new AppError('unauthorized', `The identity provider did not sign you in (${detail.slice(0, 300)}).`);
    }
    if (tx === null)
      throw new AppError('bad_request', 'This sign-in has expired or was already used. Please sign in again.');
    if (single(request.query, 'state') !== tx.state)
      throw new AppError('bad_request', 'The sign-in answer does not match this browser. Please sign in again.');

    const queryAt = request.url.indexOf('?');
    const callbackUrl = new URL(
      `${gw.settings.publicOrigin}/keycloak-callback${queryAt === -1 ? '' : request.url.slice(queryAt)}`,
    );
    let tokens;
    try {
      tokens = await gw.oidc.redeem(callbackUrl, tx);
    } catch (cause) {
      request.log.warn(
        { err: cause instanceof Error ? cause.message : String(cause) },
        'authorization code redemption failed',
      );
      throw new AppError('unauthorized', 'Sign-in failed. Please try again.', { cause });
    }
    let exchanged;
    try {
      exchanged = await gw.core.exchange(tokens.accessToken, tokens.idToken, request.id);
    } catch (cause) {
      if (cause instanceof AppError && cause.status < 500) throw cause;
      throw new AppError('bad_gateway', 'The platform could not start your session. Please try again.', { cause });
    }

    // A session id from before the login is never reused (session fixation).
    const previous = cookies.get(SESSION_COOKIE);
    if (isOpaqueId(previous)) await gw.sessions.destroy(storeKey(previous));
    const created = await gw.sessions.create({
      token: exchanged.token,
      idToken: tokens.idToken,
      idpSid: tokens.claims.sid ?? null,
      idpSub: tokens.claims.sub,
    });
    request.log.info({ sub: created.user.sub, jti: created.user.jti }, 'signed in');
    return reply.header('Set-Cookie', setCookie(SESSION_COOKIE, created.id)).redirect(tx.next, 302);
  });
};
