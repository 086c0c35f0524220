/**
 * Boots the gateway: configuration, TLS (self-signed on first start), the platform connections
 * (core's keys, the revocation feed, service tokens), the session store and rate limits (memory,
 * or Redis with REDIS_URL), services.json (reloaded on change), the OIDC client, then `buildApp` and listen,
 * plus the optional HTTP→HTTPS redirect port. The only place that touches `process`.
 */
import path from 'node:path';
import { connectPlatform, createTokenVerifier, createCoreKeySet, runService } from '@hivematrix/sdk';
import { buildApp } from './app.js';
import { createCoreApi, createOidcClient } from './auth/index.js';
import { composePage, renderErrorPage } from './compose/index.js';
import { loadNexusConfig } from './config.js';
import { createRedirectServer } from './http-redirect.js';
import { watchServicesFile } from './registry/index.js';
import { loadStaticAssets } from './routes/static.js';
import { createMemoryStore, createRedisStore } from './session/index.js';
import { connectSharedRateLimiter } from './http/index.js';
import { loadTlsMaterial } from './tls.js';

await runService({
  async start() {
    const config = loadNexusConfig(process.env);
    const platform = connectPlatform(config);
    const { logger } = platform;
    const serviceClient = platform.serviceClient;
    if (serviceClient === undefined) throw new Error('nexus needs SERVICE_SECRET to call core');

    const tls = await loadTlsMaterial({
      certFile: config.TLS_CERT_FILE,
      keyFile: config.TLS_KEY_FILE,
      certsDir: path.join(config.instanceDir, 'certs'),
      hosts: ['localhost', '127.0.0.1', '::1', new URL(config.NEXUS_URL).hostname].filter(
        (host, index, all) => all.indexOf(host) === index,
      ),
    });
    if (tls.generated)
      logger.info(
        { cert: tls.certFile, reason: tls.renewed },
        tls.renewed === undefined
          ? 'generated a self-signed certificate'
          : `renewed the self-signed certificate: ${tls.renewed}`,
      );

    const store = config.REDIS_URL === undefined ? createMemoryStore() : createRedisStore({ url: config.REDIS_URL });
    // With Redis, several instances share sessions, so they share rate limits too.
    const limiter = config.REDIS_URL === undefined ? undefined : connectSharedRateLimiter(config.REDIS_URL, logger);
    const registry = await watchServicesFile(config.servicesFile, { logger, watch: config.SERVICES_RELOAD });
    const publicOrigin = new URL(config.NEXUS_URL).origin;
    const oidc = createOidcClient({
      issuer: config.IDENTITY_ISSUER,
      upstreamUrl: config.IDENTITY_UPSTREAM_URL,
      clientId: config.OIDC_CLIENT_ID,
      clientSecret: config.OIDC_CLIENT_SECRET,
      redirectUri: `${publicOrigin}/keycloak-callback`,
      postLogoutRedirectUri: `${publicOrigin}/`,
    });
    const revocations = platform.revocations;
    const isRevoked = (jti: string): boolean => revocations?.isRevoked(jti) ?? false;
    const { revocationPolicy } = platform;
    // The platform's verifier, with the gateway's own name as the service audience, and the same
    // fail-closed revocation policy as every service.
    const verifier = createTokenVerifier({
      keySet: createCoreKeySet({ jwksUrl: new URL('/.well-known/jwks.json', config.CORE_SERVICE_URL).toString() }),
      serviceName: config.SERVICE_NAME,
      isRevoked,
      ...(revocationPolicy === undefined ? {} : { revocationPolicy }),
    });

    const app = await buildApp({
      config,
      tls,
      composer: { composePage, renderErrorPage },
      store,
      registry,
      oidc,
      core: createCoreApi(serviceClient),
      verifier,
      isRevoked,
      ...(revocationPolicy === undefined ? {} : { revocationPolicy }),
      ...(revocations === undefined ? {} : { revocations }),
      ...(limiter === undefined ? {} : { limiter }),
      assets: await loadStaticAssets(path.resolve(import.meta.dirname, '../static')),
      logger,
      now: Date.now,
    });

    const redirect = config.HTTP_REDIRECT_PORT === undefined ? undefined : createRedirectServer(config.NEXUS_URL);
    if (redirect !== undefined) {
      await new Promise<void>((resolve) => redirect.listen(config.HTTP_REDIRECT_PORT, config.HOST, resolve));
      logger.info({ port: config.HTTP_REDIRECT_PORT }, 'plain HTTP redirects to HTTPS');
    }
    return {
      app,
      host: config.HOST,
      port: config.PORT,
      logger,
      close: async () => {
        redirect?.closeAllConnections();
        await new Promise<void>((resolve) => (redirect === undefined ? resolve() : redirect.close(() => resolve())));
        registry.close();
        await limiter?.close();
        await store.close();
        await platform.close();
      },
    };
  },
});
