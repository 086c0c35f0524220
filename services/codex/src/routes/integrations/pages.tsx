/**
 * `/admin/integrations` (admins only; unsafe methods pass the SDK's same-origin check like every
 * codex form): enter a vendor's address and credentials, save them sealed, test the connection
 * with a real request, choose schedules; the run buttons post to `/admin/sync/:job`, whose page
 * shows the run's progress.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import type { CodexConfig } from '../../config.js';
import { lastRun, listIntegrations, recordAudit, removeIntegration } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { INTEGRATION_KINDS, jobsOf, PROVIDERS } from '../../domain/index.js';
import type { ProviderName, SecretKeyring } from '../../domain/index.js';
import { configConnections, resolveSync } from '../../sync/index.js';
import type { SyncRunner } from '../../sync/index.js';
import { IntegrationsPage, type IntegrationCardView } from '../../views/integrations.js';
import { actorOf, allow } from '../access.js';
import { submitIntegration, testSavedIntegration } from './actions.js';
import { flashOf, paramText, viewContext } from '../page-context.js';

export interface IntegrationRoutesOptions {
  db: CodexDb;
  now: () => Date;
  runner: SyncRunner;
  config: CodexConfig;
  /** Seals and opens stored credentials; undefined when no key is available. */
  ring: SecretKeyring | undefined;
  /** How vendor requests are made (tests count them). */
  fetch: typeof globalThis.fetch;
}

function providerParam(request: FastifyRequest): ProviderName {
  const raw = paramText(request, 'provider', 20);
  const provider = PROVIDERS.find((name) => name === raw);
  if (provider === undefined) throw new AppError('not_found', 'There is no such integration');
  return provider;
}

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
}

/** The integrations page and its forms. */
export const integrationPageRoutes: FastifyPluginAsync<IntegrationRoutesOptions> = async (app, options) => {
  const { db, now, runner, config, ring } = options;
  const http = { fetch: options.fetch, sleep: async () => undefined, now: () => now().getTime() };
  const actions = { db, now, ring, fetch: options.fetch, timeoutMs: Math.min(config.VENDOR_TIMEOUT, 15_000) };

  async function cards(failed?: {
    provider: ProviderName;
    entered: Record<string, string>;
    errors: Record<string, string>;
  }): Promise<IntegrationCardView[]> {
    const [stored, resolved, configured] = await Promise.all([
      listIntegrations(db),
      resolveSync(db, ring, config, http),
      runner.configuredJobs(),
    ]);
    const fromConfig = configConnections(config);
    return Promise.all(
      PROVIDERS.map(async (provider) => ({
        kind: INTEGRATION_KINDS[provider],
        source: resolved.sources[provider],
        stored: stored.find((row) => row.provider === provider),
        problem: resolved.problems[provider],
        configEndpoint: fromConfig[provider]?.baseUrl ?? null,
        jobs: await Promise.all(
          jobsOf(provider).map(async (job) => ({
            job,
            everyMs: resolved.schedule[job] ?? 0,
            configured: configured.includes(job),
            last: await lastRun(db, job),
          })),
        ),
        ...(failed?.provider === provider ? { entered: failed.entered, errors: failed.errors } : {}),
      })),
    );
  }

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    failed?: { provider: ProviderName; entered: Record<string, string>; errors: Record<string, string> },
  ) {
    return reply
      .code(failed === undefined ? 200 : 422)
      .html(
        <IntegrationsPage
          ctx={viewContext(request)}
          flash={
            failed === undefined
              ? flashOf(request)
              : { variant: 'error', message: 'The integration was not saved: see the fields marked below.' }
          }
          cards={await cards(failed)}
          canStore={ring !== undefined}
        />,
      );
  }

  app.get('/admin/integrations', { preHandler: allow('integration:manage', { page: true }) }, async (request, reply) =>
    page(request, reply),
  );

  app.post(
    '/admin/integrations/:provider',
    { preHandler: allow('integration:manage', { page: true }) },
    async (request, reply) => {
      const provider = providerParam(request);
      const body = bodyOf(request);
      const saved = await submitIntegration(actions, provider, body, actorOf(request));
      if (!saved.ok) {
        // Secrets are never echoed back, not even the ones just typed.
        const secretNames = new Set(INTEGRATION_KINDS[provider].secrets.map((field) => field.name));
        const entered = Object.fromEntries(
          Object.entries(body).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string' && !secretNames.has(entry[0]),
          ),
        );
        return page(request, reply, { provider, entered, errors: saved.errors });
      }
      // Back to the vendor's card: the test's message and the first sync's button are there, not at the top.
      const backToCard = (done: string) =>
        reply.redirect(`${request.urlFor('/admin/integrations', { done })}#integration-${provider}`, 303);
      if (body.action !== 'test') return backToCard('integration-saved');
      const outcome = await testSavedIntegration(actions, provider);
      request.log.info({ provider, ok: outcome.ok, code: outcome.code }, 'integration connection tested');
      return backToCard(outcome.ok ? 'integration-test-passed' : 'integration-test-failed');
    },
  );

  app.post(
    '/admin/integrations/:provider/remove',
    { preHandler: allow('integration:manage', { page: true }) },
    async (request, reply) => {
      const provider = providerParam(request);
      if (await removeIntegration(db, provider))
        await recordAudit(
          db,
          { actor: actorOf(request), action: 'integration.remove', entity: 'integration', entityId: provider },
          now(),
        );
      return reply.redirectTo('/admin/integrations', { done: 'integration-removed' });
    },
  );
};
