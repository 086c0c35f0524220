/** Per-user preferences, keyed by the token's `sub`. */
import { eq } from 'drizzle-orm';
import { userSettings, type UserSettings } from './schema.js';
import type { CodexDb } from './types.js';

/** What a user can set. */
export type SettingsPatch = Partial<Pick<UserSettings, 'theme' | 'accent' | 'homePage'>>;

/** The defaults a user has before saving anything. */
export const DEFAULT_SETTINGS: Pick<UserSettings, 'theme' | 'accent' | 'homePage'> = {
  theme: 'light',
  accent: 'purple',
  homePage: 'home',
};

/** A user's settings and whether they were ever saved (`source`). */
export async function settingsOf(
  db: CodexDb,
  sub: string,
): Promise<{ settings: Pick<UserSettings, 'theme' | 'accent' | 'homePage'>; source: 'saved' | 'default' }> {
  const [row] = await db.select().from(userSettings).where(eq(userSettings.userSub, sub));
  if (row === undefined) return { settings: DEFAULT_SETTINGS, source: 'default' };
  return { settings: { theme: row.theme, accent: row.accent, homePage: row.homePage }, source: 'saved' };
}

/** Saves part of a user's settings (the rest keep their value or default). */
export async function saveSettings(db: CodexDb, sub: string, patch: SettingsPatch, now: Date): Promise<UserSettings> {
  const [row] = await db
    .insert(userSettings)
    .values({ ...DEFAULT_SETTINGS, ...patch, userSub: sub, updatedAt: now })
    .onConflictDoUpdate({ target: userSettings.userSub, set: { ...patch, updatedAt: now } })
    .returning();
  if (row === undefined) throw new Error('upsert returned no row');
  return row;
}
