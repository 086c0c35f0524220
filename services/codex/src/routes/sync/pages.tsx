/** `/admin`: integrations, schedules, run-now buttons and sync history. */
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import type { CodexConfig } from '../../config.js';
import { findRun, lastRun, listRuns, pausedJobs, setPaused } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { can, isSyncJob, PROVIDERS, SYNC_JOBS } from '../../domain/index.js';
import type { SecretKeyring } from '../../domain/index.js';
import { resolveSync } from '../../sync/index.js';
import type { SyncRunner } from '../../sync/index.js';
import { AdminPage, RunPage } from '../../views/admin.js';
import { actorOf, allow, userOf } from '../access.js';
import { field } from '../forms.js';
import { flashOf, paramId, paramText, viewContext } from '../page-context.js';

/** The sync and integrations pages and their buttons. */
export const adminPageRoutes: FastifyPluginAsync<{
  db: CodexDb;
  now: () => Date;
  runner: SyncRunner;
  config: CodexConfig;
  ring: SecretKeyring | undefined;
}> = async (app, { db, now, runner, config, ring }) => {
  // Only the sources and addresses are read here; no vendor request is made.
  const http = { fetch: globalThis.fetch, sleep: async () => undefined, now: () => now().getTime() };
  app.get('/admin', { preHandler: allow('sync:read', { page: true }) }, async (request, reply) => {
    const level = userOf(request).permission_level;
    const [runs, paused, lasts, configured, schedule, resolved] = await Promise.all([
      listRuns(db, { limit: 30 }),
      pausedJobs(db),
      Promise.all(SYNC_JOBS.map((job) => lastRun(db, job))),
      runner.configuredJobs(),
      runner.schedule(),
      resolveSync(db, ring, config, http),
    ]);
    const jobs = SYNC_JOBS.map((job, index) => ({
      job,
      configured: configured.includes(job),
      everyMs: schedule[job] ?? 0,
      paused: paused.has(job),
      last: lasts[index],
    }));
    return reply.html(
      <AdminPage
        ctx={viewContext(request)}
        flash={flashOf(request)}
        integrations={PROVIDERS.map((provider) => ({ provider, source: resolved.sources[provider] }))}
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
    if (!isSyncJob(job) || !(await runner.configuredJobs()).includes(job))
      throw new AppError('not_found', 'No such configured job');
    const run = await runner.start(job, 'manual', userOf(request).preferred_username);
    if (run === undefined) return reply.redirectTo('/admin', { done: 'sync-running' });
    return reply.redirectTo(`/admin/runs/${run.id}`, { done: 'sync-started' });
  });

  app.post(
    '/admin/schedules/:job',
    { preHandler: allow('integration:manage', { page: true }) },
    async (request, reply) => {
      const job = paramText(request, 'job', 40);
      if (!isSyncJob(job)) throw new AppError('not_found', 'No such job');
      await setPaused(db, job, field(request.body, 'paused') === 'true', actorOf(request).name, now());
      return reply.redirectTo('/admin', { done: 'schedule-saved' });
    },
  );
};
