/**
 * The settings pages (admins only): `GET /settings`, `POST /settings` (validate, save,
 * regenerate; 303 back naming the services to restart) and `POST /settings/restart` (restarts
 * the named services, each recorded in the audit trail). The gateway is restarted last and only
 * once the answer has been sent, since this very request travels through it.
 */
import { z } from 'zod';
import { AppError, currentUser, requireRole, type ServiceApp } from '@hivematrix/sdk';
import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../../db/index.js';
import { SettingsPage } from '../../views/settings.js';
import type { UrlFor } from '../../views/services.js';
import { actorOf, performAction, type ActionDeps } from '../services/actions.js';
import { currentConfig, saveSettings, SettingsInvalid, type SettingsDeps } from './apply.js';

const adminPage = requireRole(['admin'], { page: true });
const serviceList = z
  .string()
  .max(1000)
  .optional()
  .transform((value) => (value === undefined || value === '' ? [] : value.split(',')))
  .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/)))
  .catch([]);
const pageQuery = z.object({
  done: z.enum(['saved', 'restarted']).optional().catch(undefined),
  changed: z.coerce.number().int().min(0).max(1000).optional().catch(undefined),
  restart: serviceList,
  restarted: serviceList,
  failed: serviceList,
});
const restartBody = z.object({
  services: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .pipe(
      z
        .array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/))
        .min(1)
        .max(100),
    ),
});

/** Registers the pages. */
export async function settingsPages(
  app: ServiceApp,
  deps: { settings: SettingsDeps | undefined; actions: ActionDeps },
): Promise<void> {
  const urlFor =
    (request: FastifyRequest): UrlFor =>
    (path, query) =>
      request.urlFor(path, query);
  const settings = (): SettingsDeps => {
    if (deps.settings === undefined)
      throw new AppError(
        'service_unavailable',
        'Settings are edited only in the helm daemon, which knows where the configuration is',
      );
    return deps.settings;
  };

  app.get('/settings', { preHandler: adminPage, schema: { querystring: pageQuery } }, async (request, reply) => {
    void reply.header('Cache-Control', 'no-store');
    return reply.html(
      <SettingsPage config={await currentConfig(settings().paths)} notice={request.query} urlFor={urlFor(request)} />,
    );
  });

  app.post('/settings', { preHandler: adminPage }, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    try {
      const outcome = await saveSettings(settings(), actorOf(currentUser(request)), form);
      return reply.redirectTo('/settings', {
        done: 'saved',
        changed: String(outcome.changed.length),
        ...(outcome.restart.length === 0 ? {} : { restart: outcome.restart.join(',') }),
      });
    } catch (error) {
      if (!(error instanceof SettingsInvalid)) throw error;
      const config = await currentConfig(settings().paths);
      return reply
        .code(400)
        .html(
          <SettingsPage
            config={config}
            values={form}
            fieldErrors={error.fieldErrors}
            notice={{ error: error.message }}
            urlFor={urlFor(request)}
          />,
        );
    }
  });

  app.post('/settings/restart', { preHandler: adminPage }, async (request, reply) => {
    const parsed = restartBody.safeParse(request.body ?? {});
    if (!parsed.success) throw new AppError('validation_failed', 'Name at least one service to restart');
    const actor = actorOf(currentUser(request));
    const names = [...new Set(parsed.data.services)].filter((name) => name !== 'helm');
    const now = names.filter((name) => name !== 'nexus');
    const restarted: string[] = [];
    const failed: string[] = [];
    for (const name of now) {
      try {
        const result = await performAction(deps.actions, actor, name, 'restart');
        (result.ok ? restarted : failed).push(name);
      } catch (error) {
        // performAction records a refusal; an unknown name is refused before it, so it is recorded here.
        if (error instanceof AppError && error.code === 'not_found') {
          await recordAudit(deps.actions.db, {
            at: deps.actions.now(),
            actor,
            action: 'service.restart',
            target: name,
            result: 'failure',
            detail: error.message,
          });
        }
        failed.push(name);
      }
    }
    if (names.includes('nexus')) {
      reply.raw.once('finish', () => {
        performAction(deps.actions, actor, 'nexus', 'restart').catch((error: unknown) =>
          request.log.warn({ err: error }, 'restarting the gateway failed'),
        );
      });
      restarted.push('nexus');
    }
    return reply.redirectTo('/settings', {
      done: 'restarted',
      ...(restarted.length === 0 ? {} : { restarted: restarted.join(',') }),
      ...(failed.length === 0 ? {} : { failed: failed.join(',') }),
    });
  });
}
