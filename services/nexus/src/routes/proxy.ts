/**
 * The gateway itself: every other path goes to a service from `services.json` or, under
 * `/keycloak`, to the identity provider. Access is decided here, on every request, from the
 * registry's flags and the session: public paths need no session; everything else needs one, and
 * a user whose level the service does not admit is refused here, not left to the service.
 *
 * The request body is left unread by Fastify (a pass-through content parser), so it streams to
 * the service; see `proxy/forward.ts`.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isNavigation } from '@hivematrix/sdk';
import { clientIp, composeContext, enforceRateLimit, loginRedirect, sendError, type Gateway } from '../gateway.js';
import { changesCodexSettings, invalidatePrefs, refreshPrefs } from '../prefs/index.js';
import { forward, routeFor } from '../proxy/index.js';
import { mayOpen } from '../registry/index.js';

/** Every method is proxied (the original refused PATCH and most OPTIONS). */
export const PROXIED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const origins = new Map<string, { origin: string; basePath: string }>();
/** The origin and base path of a service URL, parsed once per URL. */
function parsed(url: string): { origin: string; basePath: string } {
  let entry = origins.get(url);
  if (entry === undefined) {
    const parsedUrl = new URL(url);
    entry = { origin: parsedUrl.origin, basePath: parsedUrl.pathname.replace(/\/+$/, '') };
    if (origins.size > 1000) origins.clear();
    origins.set(url, entry);
  }
  return entry;
}
const originOf = (url: string): string => parsed(url).origin;
const basePathOf = (url: string): string => parsed(url).basePath;

/** Handles one proxied request. */
async function proxy(gw: Gateway, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const route = routeFor(request.url, gw.registry.current());
  if (route.kind === 'invalid') throw new AppError('bad_request', 'This address is not valid.');
  if (route.kind === 'unknown') {
    return sendError(gw, request, reply, new AppError('not_found', `There is no service called "${route.name}".`));
  }
  const info = { clientIp: clientIp(request), host: request.headers.host ?? '', correlationId: request.id };

  if (route.kind === 'identity') {
    enforceRateLimit(gw, request, null);
    try {
      return await forward(gw.forwarding, request, reply, {
        service: 'identity',
        origin: originOf(gw.settings.identityUpstreamUrl),
        path: `${basePathOf(gw.settings.identityUpstreamUrl)}${route.upstreamPath}`,
        info: { ...info, prefix: undefined, bearer: undefined },
        compose: () => composeContext(gw, null, null),
        identity: true,
        maxBodyBytes: gw.settings.apiMaxBody,
      });
    } catch (error) {
      if (error instanceof AppError) return sendError(gw, request, reply, error, 'identity');
      throw error;
    }
  }

  const active = await gw.sessions.resolve(request);
  if (!route.isPublic) {
    if (active === null) {
      if (isNavigation(request) && (request.method === 'GET' || request.method === 'HEAD'))
        return reply.redirect(loginRedirect(request), 302);
      throw new AppError('unauthorized', 'Sign in first: this request has no valid session.');
    }
    if (!mayOpen(route.entry, active.user.permission_level)) {
      return sendError(
        gw,
        request,
        reply,
        new AppError('forbidden', `Your permission level does not give access to "${route.entry.display_name}".`),
        route.name,
      );
    }
  }
  enforceRateLimit(gw, request, active);
  // Pages are composed with the user's settings; API calls never wait for codex.
  if (active !== null && request.method === 'GET' && isNavigation(request)) await refreshPrefs(gw, active);
  try {
    const answered = await forward(gw.forwarding, request, reply, {
      service: route.name,
      origin: originOf(route.entry.url),
      path: route.upstreamPath,
      // Public paths get no token: a page anyone may open must not act as the viewer.
      info: { ...info, prefix: route.prefix, bearer: route.isPublic ? undefined : active?.session.token },
      compose: () => composeContext(gw, active, route.name),
      identity: false,
      maxBodyBytes: gw.settings.proxyMaxBody,
    });
    if (active !== null && changesCodexSettings(route.name, request.method, route.upstreamPath))
      await invalidatePrefs(gw, active);
    return answered;
  } catch (error) {
    if (error instanceof AppError) return sendError(gw, request, reply, error, route.name);
    throw error;
  }
}

export const proxyRoutes: FastifyPluginAsync<{ gw: Gateway }> = async (app, { gw }) => {
  // Leave the body unread: forward() streams request.raw to the service.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  app.route({
    method: [...PROXIED_METHODS],
    url: '/*',
    config: { rateLimit: false },
    handler: (request, reply) => proxy(gw, request, reply),
  });
};
