/**
 * Where a note added in codex goes, by the ticket's provider: demo tickets keep it in codex only;
 * Freshservice tickets get it written through the integration in effect (saved settings, else the
 * configuration), so the PSA stays the source of truth and the next sync brings the same note back;
 * every other provider cannot take notes through codex (SuperOps: its API's note mutation has not
 * been confirmed against its documentation, so codex does not guess at one).
 */
import type { CodexConfig } from '../config.js';
import type { CodexDb } from '../db/index.js';
import { DEMO_PROVIDER } from '../domain/index.js';
import type { SecretKeyring } from '../domain/index.js';
import { connectionOf } from './connections.js';
import { createFreshserviceNote } from './freshservice-notes.js';
import { DEFAULT_RETRY, type RetryPolicy, type VendorHttpDeps } from './http.js';
import type { ExtConversation } from './provider.js';

/** A note on its way to a PSA: the text as the PSA's HTML, and whether requesters may see it. */
export interface OutgoingNote {
  html: string;
  private: boolean;
}

export type NoteTarget =
  | { kind: 'local' }
  | { kind: 'psa'; provider: string; write: (ticketExternalId: string, note: OutgoingNote) => Promise<ExtConversation> }
  | { kind: 'unsupported'; reason: string };

/** The note target of a ticket's provider. */
export type NoteTargets = (provider: string) => Promise<NoteTarget>;

export interface NoteTargetDeps {
  db: CodexDb;
  ring: SecretKeyring | undefined;
  config: CodexConfig;
  http: VendorHttpDeps;
}

/**
 * One attempt and no waiting: a person is waiting for the answer, and a POST that failed with a
 * 5xx or a dropped connection may still have created the note, so repeating it could add it twice.
 * A 429 is answered at once with the vendor's Retry-After instead of being waited out.
 */
export function noteRetryPolicy(timeoutMs: number): RetryPolicy {
  return { ...DEFAULT_RETRY, maxAttempts: 1, maxRateLimitWaits: 0, timeoutMs };
}

/** Resolves note targets with the connections in effect when a note is added (saving needs no restart). */
export function createNoteTargets(deps: NoteTargetDeps): NoteTargets {
  // Someone is waiting: at most 15 s, as "Test connection" allows.
  const retry = noteRetryPolicy(Math.min(deps.config.VENDOR_TIMEOUT, 15_000));
  return async (provider) => {
    if (provider === DEMO_PROVIDER) return { kind: 'local' };
    if (provider === 'superops')
      return {
        kind: 'unsupported',
        reason:
          'Codex cannot add notes to SuperOps tickets yet (the note mutation of the SuperOps API is not confirmed); add the note in SuperOps.',
      };
    if (provider !== 'freshservice')
      return { kind: 'unsupported', reason: `Tickets from ${provider} cannot take notes through codex.` };
    const connection = await connectionOf(deps.db, deps.ring, deps.config, 'freshservice');
    if (connection === undefined)
      return {
        kind: 'unsupported',
        reason:
          'No Freshservice integration is configured, so codex cannot write the note to the PSA; an admin can set one up on the integrations page.',
      };
    return {
      kind: 'psa',
      provider: 'freshservice',
      write: (ticketExternalId, note) =>
        createFreshserviceNote(
          { baseUrl: connection.baseUrl, apiKey: connection.credentials.apiKey ?? '', http: deps.http, retry },
          ticketExternalId,
          note,
        ),
    };
  };
}
