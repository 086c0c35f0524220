import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../src/errors.js';
import { createLocalKeySet } from '../../src/auth/key-set.js';
import { createTokenVerifier } from '../../src/auth/verify.js';
import {
  authPlugin,
  authenticate,
  currentUser,
  requireAuth,
  requireRole,
  requireService,
  requireUser,
} from '../../src/auth/guards.js';
import { createTestKeys } from '../../src/testing/keys.js';
import type { TestKeys } from '../../src/testing/keys.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

async function buildTestApp(keys: TestKeys): Promise<FastifyInstance> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Stand-in for the lead's installErrorHandling: just enough to assert codes.
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof AppError) return reply.status(error.status).send({ code: error.code, status: error.status });
    return reply.status(500).send({ code: 'internal', status: 500 });
  });
  await app.register(authPlugin, {
    verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'codex', now: () => NOW }),
    loginRedirect: (request) => `/login?next=${encodeURIComponent(request.url)}`,
  });
  const who = (request: { user: { preferred_username: string } | null; service: string | null }) => ({
    user: request.user?.preferred_username ?? null,
    service: request.service,
  });
  app.get('/user', { preHandler: requireUser() }, (request, reply) => reply.send(who(request)));
  app.get('/page', { preHandler: requireUser({ page: true }) }, (request, reply) =>
    reply.send({ name: currentUser(request).name }),
  );
  app.get('/admin', { preHandler: requireRole(['admin']) }, (request, reply) => reply.send(who(request)));
  app.get('/admin-page', { preHandler: requireRole(['admin'], { page: true }) }, (request, reply) =>
    reply.send(who(request)),
  );
  app.get('/admin-or-codex', { preHandler: requireRole(['admin'], { services: ['helm'] }) }, (request, reply) =>
    reply.send(who(request)),
  );
  app.get('/data', { preHandler: requireAuth({ services: ['helm', 'ledger'] }) }, (request, reply) =>
    reply.send(who(request)),
  );
  app.get('/ledger-only', { preHandler: requireAuth({ services: ['ledger'] }) }, (request, reply) =>
    reply.send(who(request)),
  );
  app.get('/ledger-service', { preHandler: requireService(['ledger']) }, (request, reply) => reply.send(who(request)));
  app.get('/any', { preHandler: requireAuth() }, (request, reply) => reply.send(who(request)));
  app.get('/billing', { preHandler: requireAuth({ roles: ['admin', 'billing'] }) }, (request, reply) =>
    reply.send(who(request)),
  );
  app.get('/optional', async (request) => ({ kind: (await authenticate(request))?.kind ?? 'anonymous' }));
  // Guards compose with a schema type provider.
  app
    .withTypeProvider<ZodTypeProvider>()
    .post('/typed', { preHandler: requireUser(), schema: { body: z.object({ note: z.string() }) } }, (request, reply) =>
      reply.send({ note: request.body.note, by: currentUser(request).sub }),
    );
  await app.ready();
  return app;
}

describe('route guards', () => {
  let keys: TestKeys;
  let app: FastifyInstance;
  let tokens: Record<'technician' | 'client' | 'admin' | 'billing' | 'helm' | 'ledger' | 'expired', string>;

  before(async () => {
    keys = await createTestKeys();
    app = await buildTestApp(keys);
    const opts = { now: NOW };
    tokens = {
      technician: await keys.mintUserToken({ preferred_username: 'tech' }, opts),
      client: await keys.mintUserToken({ preferred_username: 'cli', permission_level: 'client', groups: [] }, opts),
      admin: await keys.mintUserToken(
        { preferred_username: 'boss', permission_level: 'admin', groups: ['admins'] },
        opts,
      ),
      billing: await keys.mintUserToken({ preferred_username: 'bill', permission_level: 'billing' }, opts),
      helm: await keys.mintServiceToken('helm', 'codex', opts),
      ledger: await keys.mintServiceToken('ledger', 'codex', opts),
      expired: await keys.mintUserToken({}, { now: NOW - 7200_000 }),
    };
  });
  after(() => app.close());

  async function get(url: string, token?: string, scheme = 'Bearer') {
    const response = await app.inject({
      method: 'GET',
      url,
      headers: token === undefined ? {} : { authorization: `${scheme} ${token}` },
    });
    return { status: response.statusCode, body: response.body, headers: response.headers };
  }
  const json = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;
  const code = (response: { body: string }) => json(response)['code'];

  it('answers 401 unauthorized without a token on an API route', async () => {
    const response = await get('/user');
    assert.equal(response.status, 401);
    assert.equal(code(response), 'unauthorized');
    assert.equal(code(await get('/user', 'Zm9vOmJhcg==', 'Basic')), 'unauthorized');
  });

  it('redirects a page without a valid token to the login', async () => {
    for (const token of [undefined, tokens.expired, 'garbage']) {
      const response = await get('/page?x=1', token);
      assert.equal(response.status, 302);
      assert.equal(response.headers.location, '/login?next=%2Fpage%3Fx%3D1');
    }
  });

  it('answers the verifier error for a bad token on an API route', async () => {
    assert.equal(code(await get('/user', tokens.expired)), 'token_expired');
    assert.equal(code(await get('/user', 'not.a.jwt')), 'token_invalid');
  });

  it('lets users through and exposes their claims', async () => {
    const response = await get('/user', tokens.technician);
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body), { user: 'tech', service: null });
    assert.equal(json(await get('/page', tokens.client))['name'], 'Test User');
    assert.equal((await get('/user', tokens.technician, 'bearer')).status, 200, 'the scheme is case-insensitive');
  });

  it('enforces roles: a client user gets 403 on an admin route, an admin passes', async () => {
    const denied = await get('/admin', tokens.client);
    assert.equal(denied.status, 403);
    assert.equal(code(denied), 'forbidden');
    assert.equal((await get('/admin', tokens.technician)).status, 403);
    assert.equal((await get('/admin', tokens.admin)).status, 200);
    const page = await get('/admin-page', tokens.client);
    assert.equal(page.status, 403, 'a signed-in user without the role is not sent to log in again');
    assert.equal(code(await get('/billing', tokens.technician)), 'forbidden');
    assert.equal((await get('/billing', tokens.billing)).status, 200);
    assert.equal((await get('/any', tokens.client)).status, 200);
  });

  it('refuses service tokens on user-only routes', async () => {
    for (const url of ['/user', '/admin']) {
      const response = await get(url, tokens.helm);
      assert.equal(response.status, 403);
      assert.equal(code(response), 'users_only');
    }
    assert.equal((await get('/page', tokens.helm)).status, 403);
  });

  it('lets a service token through only where its calling service is named', async () => {
    const data = await get('/data', tokens.helm);
    assert.equal(data.status, 200);
    assert.deepEqual(JSON.parse(data.body), { user: null, service: 'helm' });
    assert.equal((await get('/admin-or-codex', tokens.helm)).status, 200);
    const other = await get('/admin-or-codex', tokens.ledger);
    assert.equal(code(other), 'users_only');
    const notNamed = await get('/ledger-only', tokens.helm);
    assert.equal(notNamed.status, 403);
    assert.equal(code(notNamed), 'service_not_allowed');
    assert.equal((await get('/ledger-only', tokens.ledger)).status, 200);
    assert.equal(code(await get('/any', tokens.helm)), 'service_not_allowed');
    assert.equal(code(await get('/billing', tokens.ledger)), 'service_not_allowed');
  });

  it('authenticate() is optional: null without a token, the principal with one', async () => {
    assert.equal(json(await get('/optional'))['kind'], 'anonymous');
    assert.equal(json(await get('/optional', tokens.client))['kind'], 'user');
    assert.equal(json(await get('/optional', tokens.helm))['kind'], 'service');
    assert.equal(code(await get('/optional', tokens.expired)), 'token_expired');
  });

  it('works with a typed route', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/typed',
      headers: { authorization: `Bearer ${tokens.technician}` },
      payload: { note: 'hi' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(json(response)['note'], 'hi');
  });
});

describe('requireService', () => {
  it('lets only the named services through and refuses every user, even an admin', async () => {
    const keys = await createTestKeys();
    const app = await buildTestApp(keys);
    try {
      const call = async (token: string) =>
        (await app.inject({ url: '/ledger-service', headers: { authorization: `Bearer ${token}` } })).statusCode;
      assert.equal(await call(await keys.mintServiceToken('ledger', 'codex', { now: NOW })), 200);
      assert.equal(await call(await keys.mintServiceToken('helm', 'codex', { now: NOW })), 403);
      assert.equal(
        await call(await keys.mintUserToken({ permission_level: 'admin', groups: ['admins'] }, { now: NOW })),
        403,
      );
    } finally {
      await app.close();
    }
  });
});
