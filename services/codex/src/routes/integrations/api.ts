/**
 * `/api/integrations` (admins only; what the integrations page does, for scripts and setup steps):
 * list each vendor's source in effect and saved settings without credentials, save one (empty or
 * absent credentials keep the stored ones), test the saved settings with a real request, remove.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import type { CodexConfig } from '../../config.js';
import { listIntegrations, recordAudit, removeIntegration } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { PROVIDERS } from '../../domain/index.js';
import type { SecretKeyring } from '../../domain/index.js';
import { resolveSync } from '../../sync/index.js';
import { actorOf, allow } from '../access.js';
import { submitIntegration, testSavedIntegration } from './actions.js';

const integrationSchema = z.object({
  provider: z.enum(PROVIDERS),
  source: z.enum(['page', 'configuration', 'none']).describe('where the settings in effect come from'),
  base_url: z.string().nullable().describe('the saved address (null when nothing is saved here)'),
  settings: z.record(z.string(), z.string()),
  schedule: z.record(z.string(), z.number().int()).describe('interval per job in milliseconds, 0 = manual only'),
  credentials_stored: z.boolean(),
  problem: z.string().nullable(),
  last_test: z.object({ at: z.string(), ok: z.boolean(), message: z.string() }).nullable(),
});

const testSchema = z.object({ ok: z.boolean(), code: z.string(), message: z.string() });

export const integrationApiRoutes: FastifyPluginAsync<{
  db: CodexDb;
  now: () => Date;
  config: CodexConfig;
  ring: SecretKeyring | undefined;
  fetch: typeof globalThis.fetch;
}> = async (base, options) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, now, config, ring } = options;
  const actions = { db, now, ring, fetch: options.fetch, timeoutMs: Math.min(config.VENDOR_TIMEOUT, 15_000) };
  const http = { fetch: options.fetch, sleep: async () => undefined, now: () => now().getTime() };
  const params = z.object({ provider: z.enum(PROVIDERS) });

  app.get(
    '/api/integrations',
    {
      preHandler: allow('integration:manage'),
      schema: { response: { 200: z.array(integrationSchema) } },
      config: {
        summary:
          'Each vendor: the source in effect, saved address, settings and schedule (never credentials), last connection test',
        access: 'admin',
      },
    },
    async () => {
      const [stored, resolved] = await Promise.all([listIntegrations(db), resolveSync(db, ring, config, http)]);
      return PROVIDERS.map((provider) => {
        const row = stored.find((entry) => entry.provider === provider);
        return {
          provider,
          source: resolved.sources[provider],
          base_url: row?.baseUrl ?? null,
          settings: row?.settings ?? {},
          schedule: row?.schedule ?? {},
          credentials_stored: row !== undefined,
          problem: resolved.problems[provider] ?? null,
          last_test:
            row?.lastTestAt == null
              ? null
              : { at: row.lastTestAt.toISOString(), ok: row.lastTestOk === true, message: row.lastTestMessage ?? '' },
        };
      });
    },
  );

  app.put(
    '/api/integrations/:provider',
    {
      preHandler: allow('integration:manage'),
      schema: {
        params,
        body: z.object({
          baseUrl: z.string().max(500),
          credentials: z.record(z.string(), z.string().max(500)).optional(),
          settings: z.record(z.string(), z.string().max(200)).optional(),
          schedule: z.record(z.string(), z.number().int()).optional(),
        }),
        response: { 204: z.null() },
      },
      config: {
        summary:
          "Save a vendor's address, credentials (sealed; omit to keep the stored ones) and schedules; used from the next run",
        access: 'admin',
      },
    },
    async (request, reply) => {
      const { baseUrl, credentials = {}, settings = {}, schedule = {} } = request.body;
      const flat: Record<string, unknown> = {
        baseUrl,
        ...settings,
        ...credentials,
        ...Object.fromEntries(Object.entries(schedule).map(([job, ms]) => [`schedule_${job}`, String(ms)])),
      };
      const saved = await submitIntegration(actions, request.params.provider, flat, actorOf(request));
      if (!saved.ok)
        throw new AppError(
          'validation_failed',
          Object.entries(saved.errors)
            .map(([field, message]) => `${field}: ${message}`)
            .join('; '),
        );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/integrations/:provider/test',
    {
      preHandler: allow('integration:manage'),
      schema: { params, response: { 200: testSchema } },
      config: {
        summary:
          'Test the saved settings with one real, read-only request to the vendor; the answer says what is wrong',
        access: 'admin',
      },
    },
    async (request) => testSavedIntegration(actions, request.params.provider),
  );

  app.delete(
    '/api/integrations/:provider',
    {
      preHandler: allow('integration:manage'),
      schema: { params, response: { 204: z.null() } },
      config: { summary: "Remove the saved settings (the configuration's apply again, if any)", access: 'admin' },
    },
    async (request, reply) => {
      if (!(await removeIntegration(db, request.params.provider)))
        throw new AppError('not_found', `${request.params.provider} has no saved settings`);
      await recordAudit(
        db,
        {
          actor: actorOf(request),
          action: 'integration.remove',
          entity: 'integration',
          entityId: request.params.provider,
        },
        now(),
      );
      return reply.code(204).send(null);
    },
  );
};
