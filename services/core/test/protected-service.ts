/**
 * A service protected by the SDK exactly as every HiveMatrix service is: core's JWKS over HTTP,
 * the revocation feed (catch-up + SSE stream from core), a service client holding its own secret.
 * Tests use it to prove that what core mints is accepted, and what core revokes is rejected.
 */
import {
  createCoreKeySet,
  createLogger,
  createRevocationFeed,
  createServiceApp,
  createServiceClient,
  createTokenVerifier,
  requireUser,
  type RevocationFeed,
  type ServiceApp,
} from '@hivematrix/sdk';

export interface ProtectedService {
  app: ServiceApp;
  feed: RevocationFeed;
  /** The status of `GET /api/whoami` with `token`, and the body. */
  call(token: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Resolves when `jti` is revoked in the local feed; rejects after `withinMs`. */
  revokedWithin(jti: string, withinMs: number): Promise<number>;
  close(): Promise<void>;
}

/** Starts the protected service `name` (its secret must be in core's secrets) against core at `coreUrl`. */
export async function startProtectedService(coreUrl: string, name: string, secret: string): Promise<ProtectedService> {
  const client = createServiceClient({ serviceName: name, secret, coreUrl, services: {} });
  const feed = createRevocationFeed({
    coreUrl,
    getToken: () => client.getServiceToken('core'),
    invalidateToken: () => client.invalidateToken('core'),
    reconnectDelayMs: 50,
  });
  const verifier = createTokenVerifier({
    keySet: createCoreKeySet({ jwksUrl: `${coreUrl}/.well-known/jwks.json`, cooldownMs: 0 }),
    serviceName: name,
    isRevoked: (jti) => feed.isRevoked(jti),
  });
  const app = await createServiceApp({
    service: name,
    logger: createLogger({ service: name, level: 'silent' }),
    verifier,
    trustedProxies: ['127.0.0.1'],
    rateLimit: false,
  });
  app.get('/api/whoami', { preHandler: requireUser() }, async (request) => ({
    sub: request.user?.sub,
    level: request.user?.permission_level,
  }));
  await app.ready();
  feed.start();
  await feed.ready();

  return {
    app,
    feed,
    async call(token) {
      const res = await app.inject({ url: '/api/whoami', headers: { authorization: `Bearer ${token}` } });
      return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
    },
    revokedWithin(jti, withinMs) {
      const started = performance.now();
      if (feed.isRevoked(jti)) return Promise.resolve(0);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`${jti} was not revoked within ${withinMs} ms`));
        }, withinMs);
        const off = feed.on('revoked', (revoked) => {
          if (revoked !== jti) return;
          clearTimeout(timer);
          off();
          resolve(performance.now() - started);
        });
      });
    },
    async close() {
      await feed.stop();
      await app.close();
    },
  };
}
