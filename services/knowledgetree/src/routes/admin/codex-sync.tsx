/**
 * The codex job's admin page and API. Starting a run records it and answers at once (202 / a
 * redirect); the run goes on in the background and its progress is read from `sync_runs`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, requireRole } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../../db/index.js';
import { getRun, listRuns } from '../../domain/index.js';
import type { CodexSyncRunner, SyncRun } from '../../domain/index.js';
import { CodexSyncPage } from '../../views/codex-sync.js';

const message = z.string().max(500).optional();

function presentRun(run: SyncRun) {
  return {
    ...run,
    started_at: run.started_at.toISOString(),
    heartbeat_at: run.heartbeat_at.toISOString(),
    finished_at: run.finished_at === null ? null : run.finished_at.toISOString(),
  };
}

export const codexSyncRoutes: FastifyPluginAsync<{ db: KnowledgetreeDb; runner: CodexSyncRunner | undefined }> = async (
  base,
  { db, runner },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const admins = requireRole(['admin']);
  const notConfigured = () =>
    new AppError('service_unavailable', 'The codex sync is not configured (SERVICE_SECRET is missing)');

  app.get(
    '/admin/codex-sync',
    {
      preHandler: requireRole(['admin'], { page: true }),
      schema: { querystring: z.object({ notice: message, error: message }) },
    },
    async (request, reply) => {
      const runs = await listRuns(db, 50);
      return reply.html(
        <CodexSyncPage
          runs={runs}
          configured={runner !== undefined}
          startUrl={request.urlFor('/admin/codex-sync/run')}
          notice={request.query.notice}
          error={request.query.error}
        />,
      );
    },
  );

  app.post('/admin/codex-sync/run', { preHandler: admins }, async (request, reply) => {
    try {
      if (runner === undefined) throw notConfigured();
      await runner.start('manual', request.user?.preferred_username || request.user?.sub || 'admin');
      return await reply.redirect(request.urlFor('/admin/codex-sync', { notice: 'Sync started' }), 303);
    } catch (error) {
      if (error instanceof AppError && error.status < 500)
        return reply.redirect(request.urlFor('/admin/codex-sync', { error: error.message }), 303);
      if (error instanceof AppError && error.code === 'service_unavailable')
        return reply.redirect(request.urlFor('/admin/codex-sync', { error: error.message }), 303);
      throw error;
    }
  });

  app.get('/api/codex-sync/runs', { preHandler: admins }, async () => ({
    runs: (await listRuns(db, 50)).map(presentRun),
  }));

  app.get(
    '/api/codex-sync/runs/:id',
    { preHandler: admins, schema: { params: z.object({ id: z.string().max(20) }) } },
    async (request) => {
      const run = await getRun(db, request.params.id);
      if (run === undefined) throw new AppError('not_found', 'No such run');
      return presentRun(run);
    },
  );

  app.post('/api/codex-sync/runs', { preHandler: admins }, async (request, reply) => {
    if (runner === undefined) throw notConfigured();
    const id = await runner.start('manual', request.user?.preferred_username || request.user?.sub || 'admin');
    const run = await getRun(db, id);
    if (run === undefined) throw new AppError('internal', 'The run was not recorded');
    return reply.code(202).send(presentRun(run));
  });
};
