/**
 * The user's appearance and home page as codex keeps them (`/api/my/settings`), read and written
 * with the user's own platform token, so codex applies its own rule (a user sees only their own
 * settings) and the gateway needs no extra grant. Codex is optional: without it in the registry,
 * or when it does not answer in time, the gateway keeps the session's preferences.
 */
import { z } from 'zod';
import type { LiveRegistry } from '../registry/index.js';
import type { Preferences } from '../session/index.js';
import { isAccent, normalizeAccent } from '../compose/index.js';

const CodexSettings = z.object({
  theme: z.enum(['light', 'dark']),
  accent: z.string(),
  home_page: z.string(),
  source: z.enum(['saved', 'default']),
});

/** What the gateway takes from codex: only what the user saved there. */
export type SavedSettings = Partial<Pick<Preferences, 'theme' | 'accent' | 'homePage'>>;

/** Reads and writes a user's settings in codex. */
export interface UserSettingsSource {
  /** The user's saved settings; `{}` when they never saved any; null when codex is absent or failed. */
  read(token: string): Promise<SavedSettings | null>;
  /** Saves a change; false when codex is absent or refused it. */
  write(token: string, change: Pick<Partial<Preferences>, 'theme' | 'accent'>): Promise<boolean>;
}

/** Options of `createCodexSettings`. */
export interface CodexSettingsOptions {
  registry: LiveRegistry;
  fetch?: typeof globalThis.fetch;
  /** Codex is asked on the way to a page: keep it short. */
  timeoutMs?: number;
}

/** Settings over codex's HTTP API, found by the name `codex` in services.json. */
export function createCodexSettings(options: CodexSettingsOptions): UserSettingsSource {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 1500;

  function settingsUrl(): string | null {
    const codex = options.registry.current()['codex'];
    return codex === undefined ? null : `${codex.url.replace(/\/+$/, '')}/api/my/settings`;
  }

  async function call(
    method: 'GET' | 'PUT',
    token: string,
    body?: unknown,
  ): Promise<z.infer<typeof CodexSettings> | null> {
    const url = settingsUrl();
    if (url === null) return null;
    try {
      const response = await fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return null;
      }
      const parsed = CodexSettings.safeParse(await response.json());
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  return {
    async read(token) {
      const answer = await call('GET', token);
      if (answer === null) return null;
      if (answer.source === 'default') return {};
      return { theme: answer.theme, accent: normalizeAccent(answer.accent), homePage: answer.home_page };
    },
    async write(token, change) {
      const body = {
        ...(change.theme === undefined ? {} : { theme: change.theme }),
        ...(change.accent === undefined || !isAccent(change.accent) ? {} : { accent: change.accent }),
      };
      if (Object.keys(body).length === 0) return true;
      return (await call('PUT', token, body)) !== null;
    },
  };
}
