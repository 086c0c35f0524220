/**
 * `/api/my/settings` (a user's own preferences; the gateway's theme toggle writes here with the
 * user's own token) and `/api/users/:sub/settings` (the gateway reads a user's home page and theme).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, requireAuth, requireUser } from '@hivematrix/sdk';
import { ACCENTS, HOME_PAGES, saveSettings, settingsOf, THEMES } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { SERVICE_ACCESS } from '../../domain/index.js';

export const settingsSchema = z.object({
  theme: z.enum(THEMES),
  accent: z.enum(ACCENTS),
  home_page: z.enum(HOME_PAGES),
  source: z.enum(['saved', 'default']).describe('default: the user never saved settings'),
});
const settingsBody = z
  .object({ theme: z.enum(THEMES), accent: z.enum(ACCENTS), home_page: z.enum(HOME_PAGES) })
  .partial();

async function present(db: CodexDb, sub: string): Promise<z.infer<typeof settingsSchema>> {
  const { settings, source } = await settingsOf(db, sub);
  return { theme: settings.theme, accent: settings.accent, home_page: settings.homePage, source };
}

/** The settings API: the caller's own preferences, and a user's for the gateway. */
export const settingsApiRoutes: FastifyPluginAsync<{ db: CodexDb; now: () => Date }> = async (base, { db, now }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/my/settings',
    {
      preHandler: requireUser(),
      schema: { response: { 200: settingsSchema } },
      config: {
        summary: "The caller's preferences (theme, accent colour, home page)",
        access: 'any user (a service only with the user token it forwards)',
      },
    },
    async (request) => present(db, request.user?.sub ?? ''),
  );

  app.put(
    '/api/my/settings',
    {
      preHandler: requireUser(),
      schema: { body: settingsBody, response: { 200: settingsSchema } },
      config: {
        summary: "Change the caller's preferences (any subset)",
        access: 'any user (a service only with the user token it forwards)',
      },
    },
    async (request) => {
      const sub = request.user?.sub;
      if (sub === undefined) throw new AppError('unauthorized');
      const body = request.body;
      await saveSettings(
        db,
        sub,
        {
          ...(body.theme !== undefined ? { theme: body.theme } : {}),
          ...(body.accent !== undefined ? { accent: body.accent } : {}),
          ...(body.home_page !== undefined ? { homePage: body.home_page } : {}),
        },
        now(),
      );
      return present(db, sub);
    },
  );

  app.get(
    '/api/users/:sub/settings',
    {
      preHandler: requireAuth({ services: SERVICE_ACCESS.userSettings }),
      schema: {
        params: z.object({ sub: z.string().min(1).max(200) }),
        response: { 200: settingsSchema.extend({ sub: z.string() }) },
      },
      config: {
        summary: "A user's home page and theme",
        access: 'that user or an admin; services: ' + SERVICE_ACCESS.userSettings.join(', '),
      },
    },
    async (request) => {
      const user = request.user;
      if (user !== null && user.sub !== request.params.sub && user.permission_level !== 'admin')
        throw new AppError('forbidden', "Only admins read other users' settings");
      return { sub: request.params.sub, ...(await present(db, request.params.sub)) };
    },
  );
};
