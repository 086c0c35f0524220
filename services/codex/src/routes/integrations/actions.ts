/** What the integrations page and API share: saving a submitted integration and testing the saved one. */
import { AppError } from '@hivematrix/sdk';
import {
  hasIntegration,
  openIntegrations,
  recordAudit,
  recordConnectionTest,
  saveIntegration,
} from '../../db/index.js';
import type { Actor, CodexDb } from '../../db/index.js';
import { parseIntegrationInput } from '../../domain/index.js';
import type { ProviderName, SecretKeyring } from '../../domain/index.js';
import { testConnection } from '../../sync/index.js';
import type { ConnectionTestResult } from '../../sync/index.js';

export interface IntegrationActionDeps {
  db: CodexDb;
  now: () => Date;
  ring: SecretKeyring | undefined;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
}

/** Validates and saves a submission (sealed), auditing who changed what; field errors when refused. */
export async function submitIntegration(
  deps: IntegrationActionDeps,
  provider: ProviderName,
  body: Record<string, unknown>,
  actor: Actor,
): Promise<{ ok: true } | { ok: false; errors: Record<string, string> }> {
  const { db, now, ring } = deps;
  if (ring === undefined)
    throw new AppError('service_unavailable', 'No key can seal credentials: set CODEX_SECRET_KEY');
  const parsed = parseIntegrationInput(provider, body, await hasIntegration(db, provider));
  if (!parsed.ok) return parsed;
  await saveIntegration(db, ring, parsed.value, actor.name, now());
  // Who pointed the sync elsewhere or changed its credentials; never the credentials themselves.
  await recordAudit(
    db,
    {
      actor,
      action: 'integration.save',
      entity: 'integration',
      entityId: provider,
      detail: {
        baseUrl: parsed.value.baseUrl,
        credentialsReplaced: parsed.value.credentials !== undefined,
        schedule: parsed.value.schedule,
      },
    },
    now(),
  );
  return { ok: true };
}

/** Tests the saved settings of `provider` with a real request and records the outcome. */
export async function testSavedIntegration(
  deps: IntegrationActionDeps,
  provider: ProviderName,
): Promise<ConnectionTestResult> {
  const [opened] = await openIntegrations(deps.db, deps.ring, provider);
  if (opened === undefined) throw new AppError('not_found', `${provider} has no saved settings to test`);
  if (!('connection' in opened)) throw new AppError('conflict', opened.unreadable);
  const outcome = await testConnection(opened.connection, { fetch: deps.fetch, timeoutMs: deps.timeoutMs });
  await recordConnectionTest(deps.db, provider, outcome, deps.now());
  return outcome;
}
