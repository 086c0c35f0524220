/**
 * Keeps a session's preferences in step with codex. The session is the cache: pages are composed
 * from it without a call, and it is re-read from codex at most once a minute, on a page load or
 * at `/` (never on API calls, so the hot path stays free of it). A change made through the
 * gateway (the theme toggle, or a write to codex's settings) marks it stale at once.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ActiveSession, SessionManager } from '../session/index.js';
import type { UserSettingsSource } from './codex-settings.js';

/**
 * What keeping preferences in step reads of the gateway. Declared here rather than taken from
 * gateway.ts, which sits above prefs/ (its `Gateway` names this module's types); the `Gateway`
 * satisfies it.
 */
export interface PrefsContext {
  sessions: Pick<SessionManager, 'savePrefs'>;
  userSettings: UserSettingsSource;
  logger: Pick<FastifyBaseLogger, 'warn'>;
  now: () => number;
}

/** How long preferences read from codex are trusted. */
export const PREFS_TTL_MS = 60_000;

/** Re-reads the session's preferences from codex when they are stale; never throws. */
export async function refreshPrefs(gw: PrefsContext, active: ActiveSession): Promise<void> {
  if (gw.now() - active.session.prefsCheckedAt < PREFS_TTL_MS) return;
  const saved = await gw.userSettings.read(active.session.token);
  // Codex absent or failing: keep what the session has, and do not ask again for a while.
  const prefs = { ...active.session.prefs, ...saved };
  await gw.sessions.savePrefs(active, prefs, gw.now()).catch((error: unknown) => {
    gw.logger.warn({ err: error }, 'could not store preferences read from codex');
  });
}

/** Marks a session's preferences stale, so the next page reads them from codex again. */
export async function invalidatePrefs(gw: Pick<PrefsContext, 'sessions'>, active: ActiveSession): Promise<void> {
  await gw.sessions.savePrefs(active, active.session.prefs, 0).catch(() => undefined);
}

/** Whether a proxied request may have changed the user's settings in codex. */
export function changesCodexSettings(service: string, method: string, upstreamPath: string): boolean {
  if (service !== 'codex' || method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  return /^\/(api\/my\/settings|settings)(\/|\?|$)/.test(upstreamPath);
}
