/** The user's preferences as codex keeps them, and when a session re-reads them. */
export { createCodexSettings } from './codex-settings.js';
export type { UserSettingsSource } from './codex-settings.js';
export { changesCodexSettings, invalidatePrefs, refreshPrefs } from './refresh.js';
export type { PrefsContext } from './refresh.js';
