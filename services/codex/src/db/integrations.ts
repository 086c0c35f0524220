/**
 * Integrations entered on the page: saved with their credentials sealed (never returned to a
 * page), opened only to build the sync's adapters or to test the connection, re-sealed with the
 * current key when a former one opened them.
 */
import { eq } from 'drizzle-orm';
import { integrationContext, keyIdOf, openWithKeyring, sealSecret } from '../domain/index.js';
import type { Connection, IntegrationInput, ProviderName, SecretKeyring } from '../domain/index.js';
import { integrations, type IntegrationRow } from './schema.js';
import type { CodexDb } from './types.js';

/** What a page may know of a stored integration: everything but the credentials. */
export type IntegrationSummary = Omit<IntegrationRow, 'iv' | 'tag' | 'ciphertext' | 'keyId'>;

/** Every stored integration, without credentials. */
export async function listIntegrations(db: CodexDb): Promise<IntegrationSummary[]> {
  const rows = await db.select().from(integrations);
  return rows.map(({ iv: _iv, tag: _tag, ciphertext: _ciphertext, keyId: _keyId, ...summary }) => summary);
}

/** Whether `provider` has stored settings. */
export async function hasIntegration(db: CodexDb, provider: ProviderName): Promise<boolean> {
  const rows = await db
    .select({ provider: integrations.provider })
    .from(integrations)
    .where(eq(integrations.provider, provider));
  return rows.length > 0;
}

/**
 * Saves an integration. `input.credentials` undefined keeps the stored credentials (the form
 * never shows them, so an empty field means "unchanged"); the caller makes sure some exist.
 * A changed address or credentials clears the last test result, which no longer applies.
 */
export async function saveIntegration(
  db: CodexDb,
  ring: SecretKeyring,
  input: IntegrationInput,
  actor: string,
  now: Date,
): Promise<void> {
  const common = {
    baseUrl: input.baseUrl,
    settings: input.settings,
    schedule: input.schedule,
    updatedBy: actor,
    updatedAt: now,
  };
  if (input.credentials === undefined) {
    const [before] = await db
      .select({ baseUrl: integrations.baseUrl, settings: integrations.settings })
      .from(integrations)
      .where(eq(integrations.provider, input.provider));
    const moved =
      before !== undefined &&
      (before.baseUrl !== input.baseUrl || JSON.stringify(before.settings) !== JSON.stringify(input.settings));
    await db
      .update(integrations)
      .set({ ...common, ...(moved ? { lastTestAt: null, lastTestOk: null, lastTestMessage: null } : {}) })
      .where(eq(integrations.provider, input.provider));
    return;
  }
  const sealed = sealSecret(ring.current, JSON.stringify(input.credentials), integrationContext(input.provider));
  const values = {
    ...common,
    ...sealed,
    keyId: keyIdOf(ring.current),
    lastTestAt: null,
    lastTestOk: null,
    lastTestMessage: null,
  };
  await db
    .insert(integrations)
    .values({ provider: input.provider, ...values })
    .onConflictDoUpdate({ target: integrations.provider, set: values });
}

/** Removes the stored settings of `provider` (the configuration's, if any, apply again). */
export async function removeIntegration(db: CodexDb, provider: ProviderName): Promise<boolean> {
  const rows = await db
    .delete(integrations)
    .where(eq(integrations.provider, provider))
    .returning({ provider: integrations.provider });
  return rows.length > 0;
}

/** Records the outcome of a connection test. */
export async function recordConnectionTest(
  db: CodexDb,
  provider: ProviderName,
  outcome: { ok: boolean; message: string },
  now: Date,
): Promise<void> {
  await db
    .update(integrations)
    .set({ lastTestAt: now, lastTestOk: outcome.ok, lastTestMessage: outcome.message })
    .where(eq(integrations.provider, provider));
}

/** A stored integration opened, or why it cannot be. */
export type OpenedIntegration =
  { row: IntegrationSummary; connection: Connection } | { row: IntegrationSummary; unreadable: string };

function credentialsOf(value: string): Record<string, string> {
  const parsed: unknown = JSON.parse(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('stored credentials are not an object');
  return Object.fromEntries(
    Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/**
 * Opens the stored integrations (all, or one vendor's). A value sealed with a former key is
 * re-sealed with the current one; one no configured key opens is reported, never thrown, so one
 * vendor's bad row does not stop the others' syncs.
 */
export async function openIntegrations(
  db: CodexDb,
  ring: SecretKeyring | undefined,
  provider?: ProviderName,
): Promise<OpenedIntegration[]> {
  const rows = await (provider === undefined
    ? db.select().from(integrations)
    : db.select().from(integrations).where(eq(integrations.provider, provider)));
  const opened: OpenedIntegration[] = [];
  for (const { iv, tag, ciphertext, keyId, ...row } of rows) {
    if (ring === undefined) {
      opened.push({
        row,
        unreadable: 'no key to open the stored credentials (CODEX_SECRET_KEY or the service secret)',
      });
      continue;
    }
    const context = integrationContext(row.provider);
    try {
      const { value, keyId: openedWith } = openWithKeyring(ring, { iv, tag, ciphertext, keyId }, context);
      const currentId = keyIdOf(ring.current);
      if (openedWith !== currentId || keyId !== currentId) {
        const sealed = sealSecret(ring.current, value, context);
        await db
          .update(integrations)
          .set({ ...sealed, keyId: currentId })
          .where(eq(integrations.provider, row.provider));
      }
      opened.push({
        row,
        connection: {
          provider: row.provider,
          baseUrl: row.baseUrl,
          settings: row.settings,
          credentials: credentialsOf(value),
        },
      });
    } catch {
      opened.push({ row, unreadable: 'the stored credentials open with no configured key; enter them again' });
    }
  }
  return opened;
}
