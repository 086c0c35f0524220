/**
 * The admin's setup checklist (admins only): `GET /setup` (the page), `POST /setup/password` (new
 * password for the `admin` account, then the generated password file deleted), `POST
 * /setup/:step/mark` (`state` = done | skipped | open) and `GET /api/setup` (`{ steps, pending,
 * environment }`, read by the services page's banner and the platform home, which offers the demo
 * data in development mode only). A POST answers 303 back to the page;
 * a refusal re-renders it with the message and the refusal's status.
 */
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, currentUser, requireRole, type ServiceApp } from '@hivematrix/sdk';
import { recordAudit, markStep, readMarks, reopenStep } from '../../db/index.js';
import type { HelmDb } from '../../db/index.js';
import type { IdentityAdmin } from '../../identity/index.js';
import {
  checklist,
  fileExists,
  pending,
  SETUP_STEPS,
  changeInitialPassword,
  readSetupSettings,
} from '../../setup/index.js';
import type { PlatformStatus } from '../../status.js';
import { SetupPage } from '../../views/setup.js';
import { actorOf } from '../services/actions.js';

export interface SetupDeps {
  db: HelmDb;
  now: () => Date;
  status: () => PlatformStatus;
  identity: IdentityAdmin | undefined;
  /**
   * The master configuration, read for `system.environment` and the certificate files (absent:
   * production, generated certificate).
   */
  masterConfigFile?: string | undefined;
}

const adminPage = requireRole(['admin'], { page: true });
const adminApi = requireRole(['admin']);
const passwordBody = z
  .object({
    password: z.string().min(12, 'at least 12 characters').max(1024),
    confirm: z.string().max(1024),
  })
  .refine((body) => body.password === body.confirm, { message: 'the two passwords differ', path: ['confirm'] });
const markBody = z.object({ state: z.enum(['done', 'skipped', 'open']) });
const stepParams = z.object({ step: z.enum(SETUP_STEPS) });
const pageQuery = z.object({ done: z.enum(['password', 'mark']).optional().catch(undefined) });

/** Registers the checklist's routes. */
export async function setupRoutes(app: ServiceApp, deps: SetupDeps): Promise<void> {
  const passwordFile = (): string => deps.status().daemon.admin_password_file;
  const steps = async () => checklist(await readMarks(deps.db), await fileExists(passwordFile()));

  const render = async (request: FastifyRequest, reply: FastifyReply, notice: { done?: string; error?: string }) => {
    const settings = await readSetupSettings(deps.masterConfigFile);
    return reply
      .header('Cache-Control', 'no-store')
      .html(
        <SetupPage
          steps={await steps()}
          publicUrl={deps.status().daemon.public_url}
          passwordFile={passwordFile()}
          generatedCertificate={!settings.certificateConfigured}
          environment={settings.environment}
          notice={notice}
          urlFor={(target, query) => request.urlFor(target, query)}
        />,
      );
  };

  app.get('/setup', { preHandler: adminPage, schema: { querystring: pageQuery } }, async (request, reply) =>
    render(request, reply, request.query.done === undefined ? {} : { done: request.query.done }),
  );

  app.get('/api/setup', { preValidation: adminApi }, async (_request, reply) => {
    const [list, settings] = await Promise.all([steps(), readSetupSettings(deps.masterConfigFile)]);
    return reply
      .header('Cache-Control', 'no-store')
      .send({ steps: list, pending: pending(list), environment: settings.environment });
  });

  app.post('/setup/password', { preHandler: adminPage }, async (request, reply) => {
    const parsed = passwordBody.safeParse(request.body ?? {});
    let failure: AppError;
    if (parsed.success) {
      try {
        await changeInitialPassword(
          { ...deps, passwordFile: passwordFile() },
          actorOf(currentUser(request)),
          parsed.data.password,
        );
        return reply.redirectTo('/setup', { done: 'password' });
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        failure = error;
      }
    } else {
      failure = new AppError(
        'validation_failed',
        parsed.error.issues.map((issue) => `${issue.path.join('.') || 'password'}: ${issue.message}`).join('; '),
      );
    }
    return render(request, reply.code(failure.status), { error: failure.message });
  });

  app.post('/setup/:step/mark', { preHandler: adminPage, schema: { params: stepParams } }, async (request, reply) => {
    const parsed = markBody.safeParse(request.body ?? {});
    if (!parsed.success) return render(request, reply.code(400), { error: 'state: done, skipped or open' });
    const { step } = request.params;
    const { state } = parsed.data;
    // The password step is done only when the file is gone, never by a mark.
    if (step === 'password' && state === 'done')
      return render(request, reply.code(409), { error: 'Change the password to finish this step, or skip it.' });
    const actor = actorOf(currentUser(request));
    if (state === 'open') await reopenStep(deps.db, step);
    else await markStep(deps.db, step, state, actor, deps.now());
    await recordAudit(deps.db, {
      at: deps.now(),
      actor,
      action: `setup.${state === 'open' ? 'reopen' : state}`,
      target: step,
      result: 'success',
      detail: null,
    });
    return reply.redirectTo('/setup', { done: 'mark' });
  });
}
