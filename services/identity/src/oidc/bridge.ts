/**
 * Mounts the provider (a Koa application) in Fastify under the realm path.
 *
 * Fastify routes the request, then hands the raw request and response to the provider and steps
 * aside (`reply.hijack()`); the provider parses its own bodies, so this scope registers a
 * content-type parser that leaves the body stream untouched.
 *
 * Every URL the provider emits (discovery, redirects, form actions, the logout page) must use the
 * public issuer, whatever host a request arrived on (the gateway's public name, or 127.0.0.1:8080
 * for back-channel callers), so the bridge overwrites `X-Forwarded-Proto` and `X-Forwarded-Host`
 * with the issuer's before the provider sees them. `X-Forwarded-For` becomes the client address
 * Fastify worked out, which honours forwarded headers only from `TRUSTED_PROXIES`. A caller can
 * therefore forge none of the three.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Provider } from 'oidc-provider';
import { CORRELATION_HEADER } from '@hivematrix/sdk';
import type { Realm } from '../config.js';

export interface ProviderBridgeOptions {
  provider: Provider;
  realm: Realm;
  /** The Content-Security-Policy of the provider's pages (it adds hashes for its inline scripts). */
  contentSecurityPolicy: string;
}

/** Fastify plugin (register it encapsulated, not with fastify-plugin: it replaces the body parsers). */
export const providerBridge: FastifyPluginAsync<ProviderBridgeOptions> = async (app, options) => {
  const handle = options.provider.callback();
  const issuer = new URL(options.realm.issuer);
  const protocol = issuer.protocol.slice(0, -1);
  const prefix = options.realm.realmPath;

  // The provider reads request bodies itself.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: `${prefix}/*`,
    // Fastify's request lines would log the query, which carries id_token_hint and the like;
    // one line per request is written below instead, with the path only.
    logLevel: 'warn',
    handler: async (request, reply) => {
      const req = request.raw;
      const res = reply.raw;
      reply.hijack();

      const fullUrl = req.url ?? prefix;
      // The provider works out its mount path from originalUrl minus url (as under Express).
      Object.assign(req, { originalUrl: fullUrl });
      req.url = fullUrl.slice(prefix.length);
      req.headers['x-forwarded-proto'] = protocol;
      req.headers['x-forwarded-host'] = issuer.host;
      req.headers['x-forwarded-for'] = request.ip;

      // Fastify's onSend hooks do not run for a hijacked reply: set what they would have set.
      res.setHeader(CORRELATION_HEADER, request.id);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('X-Frame-Options', 'DENY');
      // Authorization responses carry codes in URLs: never leak them in a Referer.
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Content-Security-Policy', options.contentSecurityPolicy);

      const started = performance.now();
      res.once('finish', () => {
        app.log.info(
          {
            correlation_id: request.id,
            method: request.method,
            path: fullUrl.split('?')[0],
            remoteAddress: request.ip,
            statusCode: res.statusCode,
            responseTime: performance.now() - started,
          },
          'request completed',
        );
      });
      await handle(req, res);
    },
  });
};
