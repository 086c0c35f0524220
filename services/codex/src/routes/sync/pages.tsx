/** `/admin`: integrations, schedules, run-now buttons and sync history. */
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import type { CodexConfig } from '../../config.js';
import { findRun, lastRun, listRuns, pausedJobs, setPaused } from '../../db/sync-runs.js';
import type { CodexDb } from '../../db/types.js';
import { can } from '../../domain/permissions.js';
import { SYNC_JOBS, isSyncJob } from '../../sync/jobs.js';
import { integrationStatus } from '../../sync/providers.js';
import type { SyncRunner } from '../../sync/runner.js';
import { AdminPage, RunPage } from '../../views/admin.js';
import { actorOf, allow, userOf } from '../access.js';
import { field } from '../forms.js';
import { flashOf, paramId, paramText, viewContext } from '../page-context.js';

/** The sync and integrations pages and their buttons. */
export const adminPageRoutes: FastifyPluginAsync<{ db: CodexDb; now: () => Date; runner: SyncRunner; config: CodexConfig }> = async (app, { db, now, runner, config }) => {
  app.get('/admin', { preHandler: allow('sync:read', { page: true }) }, async (request, reply) => {
    const level = userOf(request).permission_level;
    const [runs, paused, lasts] = await Promise.all([listRuns(db, { limit: 30 }), pausedJobs(db), Promise.all(SYNC_JOBS.map((job) => lastRun(db, job)))]);
    const jobs = SYNC_JOBS.map((job, index) => ({ job, configured: runner.jobs.includes(job), everyMs: config.SYNC_SCHEDULE[job] ?? 0, paused: paused.has(job), last: lasts[index] }));
    return reply.html(
      <AdminPage
        ctx={viewContext(request)}
        flash={flashOf(request)}
        integrations={integrationStatus(config)}
        jobs={jobs}
        runs={runs}
        canRun={can(level, 'sync:run')}
        canManage={can(level, 'integration:manage')}
        schedulerEnabled={config.SYNC_SCHEDULER}
      />,
    );
  });

  app.get('/admin/runs/:id', { preHandler: allow('sync:read', { page: true }) }, async (request, reply) => {
    const run = await findRun(db, paramId(request, 'id'));
    if (run === undefined) throw new AppError('not_found', 'Run not found');
    return reply.html(<RunPage ctx={viewContext(request)} flash={flashOf(request)} run={run} />);
  });

  app.post('/admin/sync/:job', { preHandler: allow('sync:run', { page: true }) }, async (request, reply) => {
    const job = paramText(request, 'job', 40);
    if (!isSyncJob(job) || !runner.jobs.includes(job)) throw new AppError('not_found', 'No such configured job');
    const run = await runner.start(job, 'manual', userOf(request).preferred_username);
    if (run === undefined) return reply.redirectTo('/admin', { done: 'sync-running' });
    return reply.redirectTo(`/admin/runs/${run.id}`, { done: 'sync-started' });
  });

  app.post('/admin/schedules/:job', { preHandler: allow('integration:manage', { page: true }) }, async (request, reply) => {
    const job = paramText(request, 'job', 40);
    if (!isSyncJob(job)) throw new AppError('not_found', 'No such job');
    await setPaused(db, job, field(request.body, 'paused') === 'true', actorOf(request).name, now());
    return reply.redirectTo('/admin', { done: 'schedule-saved' });
  });
};
