/** `/settings`: a user's own preferences. */
import type { FastifyPluginAsync } from 'fastify';
import { requireUser } from '@hivematrix/sdk';
import { ACCENTS, HOME_PAGES, saveSettings, settingsOf, THEMES } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { SettingsPage } from '../../views/settings.js';
import { userOf } from '../access.js';
import { field } from '../forms.js';
import { flashOf, viewContext } from '../page-context.js';

const pick = <T extends string>(allowed: readonly T[], value: string): T | undefined =>
  allowed.find((entry) => entry === value);

/** The settings page and its form. */
export const settingsPageRoutes: FastifyPluginAsync<{ db: CodexDb; now: () => Date }> = async (app, { db, now }) => {
  app.get('/settings', { preHandler: requireUser({ page: true }) }, async (request, reply) => {
    const { settings } = await settingsOf(db, userOf(request).sub);
    return reply.html(<SettingsPage ctx={viewContext(request)} flash={flashOf(request)} settings={settings} />);
  });

  app.post('/settings', { preHandler: requireUser({ page: true }) }, async (request, reply) => {
    const theme = pick(THEMES, field(request.body, 'theme'));
    const accent = pick(ACCENTS, field(request.body, 'accent'));
    const homePage = pick(HOME_PAGES, field(request.body, 'home_page'));
    if (theme === undefined || accent === undefined || homePage === undefined) {
      const { settings } = await settingsOf(db, userOf(request).sub);
      return reply.html(
        <SettingsPage
          ctx={viewContext(request)}
          flash={{ variant: 'error', message: 'Choose a theme, an accent colour and a home page from the lists.' }}
          settings={settings}
        />,
        400,
      );
    }
    await saveSettings(db, userOf(request).sub, { theme, accent, homePage }, now());
    return reply.redirectTo('/settings', { done: 'settings-saved' });
  });
};
