/**
 * The gateway with the real neighbours: identity (embedded OIDC provider, its real login form,
 * reached only through the gateway's /keycloak proxy) and core (token exchange, revocation feed,
 * JWKS). A user signs in with a password, a proxied request carries a platform JWT that core
 * signed, and after logout core's feed makes the old cookie useless.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Agent, type Dispatcher } from 'undici';
import { decodeJwt } from 'jose';
import {
  createCoreKeySet,
  createLogger,
  createRevocationFeed,
  createServiceClient,
  createTokenVerifier,
  servicesFileSchema,
  type RevocationFeed,
} from '@hivematrix/sdk';
import { startCore, type CoreHarness } from '../../core/test/harness.js';
import { formAction, startIdentity, type IdentityHarness } from '../../identity/test/harness.js';
import { buildApp } from '../src/app.js';
import { createCoreApi } from '../src/auth/core-api.js';
import { createOidcClient } from '../src/auth/oidc.js';
import { composePage, renderErrorPage } from '../src/compose/index.js';
import { nexusEnvSchema } from '../src/config.js';
import { staticRegistry } from '../src/registry/live-registry.js';
import { createMemoryStore } from '../src/session/memory-store.js';
import { PUBLIC_ORIGIN, testCertificate } from './harness.js';
import { startUpstream, type Echo, type Upstream } from './helpers/upstream.js';

describe('nexus with the real identity and core', () => {
  let identity: IdentityHarness;
  let core: CoreHarness;
  let upstream: Upstream;
  let feed: RevocationFeed;
  let app: FastifyInstance;
  let client: Agent;
  let base: string;
  const jar = new Map<string, string>();

  before(async () => {
    identity = await startIdentity({
      issuerBase: PUBLIC_ORIGIN,
      clients: {
        gateway: {
          redirectUris: [`${PUBLIC_ORIGIN}/keycloak-callback`],
          postLogoutRedirectUris: [`${PUBLIC_ORIGIN}/`],
          backchannelLogoutUri: null,
        },
      },
    });
    core = await startCore({
      env: {
        IDENTITY_INTERNAL_URL: identity.internalIssuer,
        IDENTITY_ISSUER: identity.issuer,
        IDENTITY_CLIENT_ID: identity.gateway.clientId,
      },
    });
    upstream = await startUpstream();
    const secret = core.secrets['nexus'] ?? assert.fail('core knows no nexus secret');
    const serviceClient = createServiceClient({ serviceName: 'nexus', secret, coreUrl: core.url, services: {} });
    feed = createRevocationFeed({
      coreUrl: core.url,
      getToken: () => serviceClient.getServiceToken('core'),
      reconnectDelayMs: 50,
    });
    feed.start();
    await feed.ready();
    const isRevoked = (jti: string): boolean => feed.isRevoked(jti);
    const config = nexusEnvSchema.parse({
      SERVICE_NAME: 'nexus',
      SERVICE_SECRET: secret,
      OIDC_CLIENT_SECRET: identity.gateway.clientSecret,
      OIDC_CLIENT_ID: identity.gateway.clientId,
      IDENTITY_ISSUER: identity.issuer,
      IDENTITY_UPSTREAM_URL: identity.url,
      CORE_SERVICE_URL: core.url,
      NEXUS_URL: PUBLIC_ORIGIN,
      LOG_LEVEL: 'warn',
    });
    const { key, cert } = await testCertificate();
    app = await buildApp({
      config,
      tls: { key, cert },
      composer: { composePage, renderErrorPage },
      store: createMemoryStore(),
      registry: staticRegistry(
        servicesFileSchema.parse({
          template: { url: upstream.url, port: Number(new URL(upstream.url).port), display_name: 'Template' },
        }),
      ),
      oidc: createOidcClient({
        issuer: identity.issuer,
        upstreamUrl: identity.url,
        clientId: identity.gateway.clientId,
        clientSecret: identity.gateway.clientSecret,
        redirectUri: `${PUBLIC_ORIGIN}/keycloak-callback`,
        postLogoutRedirectUri: `${PUBLIC_ORIGIN}/`,
      }),
      core: createCoreApi(serviceClient),
      verifier: createTokenVerifier({
        keySet: createCoreKeySet({ jwksUrl: `${core.url}/.well-known/jwks.json` }),
        serviceName: 'nexus',
        isRevoked,
      }),
      isRevoked,
      assets: { files: new Map(), version: 'it' },
      logger: createLogger({ service: 'nexus', level: process.env['NEXUS_IT_LOG'] ?? 'silent' }),
      now: Date.now,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    client = new Agent({ connect: { ca: cert } });
  });

  after(async () => {
    await app.close();
    await client.close();
    await feed.stop();
    await upstream.close();
    await core.close();
    await identity.close();
  });

  /** One request through the gateway as a browser would send it (cookie jar, public URLs mapped). */
  async function browse(
    url: string,
    init: { method?: Dispatcher.HttpMethod; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<{
    status: number;
    location: string | undefined;
    text: string;
    headers: Record<string, string | string[] | undefined>;
  }> {
    const target = new URL(url, PUBLIC_ORIGIN);
    assert.equal(target.origin, PUBLIC_ORIGIN, `the browser never leaves the gateway (${url})`);
    const headers: Record<string, string> = { accept: 'text/html', 'sec-fetch-mode': 'navigate', ...init.headers };
    if (jar.size > 0) headers['cookie'] = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (init.form !== undefined) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['origin'] = PUBLIC_ORIGIN;
      headers['sec-fetch-site'] = 'same-origin';
    }
    const res = await client.request({
      origin: base,
      path: target.pathname + target.search,
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body: body ?? null,
    });
    for (const cookie of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      assert.match(cookie, /; Secure/i, `every cookie through the gateway is Secure: ${cookie}`);
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (/max-age=0/i.test(cookie) || pair.slice(eq + 1) === '') jar.delete(name);
      else jar.set(name, pair.slice(eq + 1));
    }
    const location =
      res.headers.location === undefined ? undefined : new URL(String(res.headers.location), target).href;
    return { status: res.statusCode, location, text: await res.body.text(), headers: res.headers };
  }

  it("signs in through the real login form, proxies with core's token, and logs out for good", async () => {
    await identity.createUser({
      username: 'tina',
      password: 'correct horse battery staple 42',
      groups: ['technicians'],
      email: 'tina@example.test',
    });
    let step = await browse('/login?next=%2Ftemplate%2Fecho');
    assert.equal(step.status, 302);
    step = await browse(step.location ?? '');
    for (let hops = 0; step.status >= 300 && step.status < 400 && hops < 5; hops += 1)
      step = await browse(step.location ?? '');
    assert.equal(step.status, 200, step.text.slice(0, 500));
    const action = formAction(step.text, `${PUBLIC_ORIGIN}/keycloak/realms/hivematrix/`, 'username');
    step = await browse(action, { form: { username: 'tina', password: 'correct horse battery staple 42' } });
    for (
      let hops = 0;
      step.location !== undefined && !step.location.startsWith(`${PUBLIC_ORIGIN}/keycloak-callback`) && hops < 10;
      hops += 1
    ) {
      step = await browse(step.location);
    }
    assert.ok(
      step.location?.startsWith(`${PUBLIC_ORIGIN}/keycloak-callback`),
      `expected the callback, got ${step.status} ${step.location ?? step.text.slice(0, 500)}`,
    );
    step = await browse(step.location ?? '');
    assert.equal(step.status, 302, step.text.slice(0, 500));
    assert.equal(step.location, `${PUBLIC_ORIGIN}/template/echo`);
    assert.ok(jar.has('__Host-hm_session'));

    const page = await browse('/template/echo', { headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' } });
    assert.equal(page.status, 200);
    const echo = JSON.parse(page.text) as Echo;
    const token = String(echo.headers['authorization']).replace(/^Bearer /, '');
    const claims = decodeJwt(token);
    assert.equal(claims.iss, 'hivematrix-core');
    assert.equal(claims['permission_level'], 'technician');
    assert.equal(claims['preferred_username'], 'tina');

    const oldCookie = jar.get('__Host-hm_session') ?? '';
    const revoked = new Promise<void>((resolve) => {
      const stop = feed.on('revoked', (jti) => {
        if (jti === claims.jti) {
          stop();
          resolve();
        }
      });
    });
    const out = await browse('/logout', { method: 'POST', form: {} });
    assert.equal(out.status, 303);
    assert.ok(out.location?.startsWith(`${identity.issuer}/protocol/openid-connect/logout`));
    await revoked; // core published the revocation; the gateway's feed has it
    const again = await client.request({
      origin: base,
      path: '/template/echo',
      method: 'GET',
      headers: { cookie: `__Host-hm_session=${oldCookie}`, accept: 'application/json' },
    });
    assert.equal(again.statusCode, 401);
    await again.body.dump();
  });
});
