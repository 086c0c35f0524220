/** `/api/sync…`: start runs in the background, read their progress and history, pause schedules. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, requireAuth } from '@hivematrix/sdk';
import { findRun, listRuns, setPaused } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { can, SERVICE_ACCESS, SYNC_JOBS } from '../../domain/index.js';
import type { SyncJobName } from '../../domain/index.js';
import type { SyncRunner } from '../../sync/index.js';
import { actorOf, allow } from '../access.js';
import { presentRun, syncRunSchema } from '../api-schemas.js';

/**
 * Starts a run of `job` for `requestedBy`; a run already in progress is a conflict naming it, and
 * a job without a configured adapter is unprocessable.
 */
export async function startJob(runner: SyncRunner, job: SyncJobName, requestedBy: string) {
  if (!(await runner.configuredJobs()).includes(job))
    throw new AppError('unprocessable_entity', `${job} is not configured`);
  const run = await runner.start(job, 'manual', requestedBy);
  if (run === undefined) throw new AppError('conflict', `${job} is already running`);
  return run;
}

/** The sync API: start runs, follow them, pause schedules. */
export const syncApiRoutes: FastifyPluginAsync<{ db: CodexDb; now: () => Date; runner: SyncRunner }> = async (
  base,
  { db, now, runner },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const jobParams = z.object({ job: z.enum(SYNC_JOBS) });

  app.post(
    '/api/sync/:job',
    {
      // People with the sync:run right only: beacon's "Sync now" forwards its user's own token.
      preHandler: requireAuth({ services: SERVICE_ACCESS.syncTickets }),
      schema: { params: jobParams, response: { 202: syncRunSchema } },
      config: {
        summary: 'Start a sync run in the background; answers at once with the run to poll',
        access: 'admin, technician',
      },
    },
    async (request, reply) => {
      const job = request.params.job;
      if (request.user !== null && !can(request.user.permission_level, 'sync:run'))
        throw new AppError('forbidden', 'Your permission level does not allow this');
      if (request.service !== null && !job.endsWith('-tickets'))
        throw new AppError('service_not_allowed', `Service ${request.service} may only start ticket syncs`);
      const run = await startJob(runner, job, request.user?.preferred_username ?? `service:${request.service ?? '?'}`);
      return reply
        .code(202)
        .header('location', request.urlFor(`/api/sync/runs/${run.id}`))
        .send(presentRun(run));
    },
  );

  app.get(
    '/api/sync/runs',
    {
      preHandler: allow('sync:read', { services: SERVICE_ACCESS.syncRuns }),
      schema: {
        querystring: z.object({
          job: z.enum(SYNC_JOBS).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(20),
        }),
        response: { 200: z.array(syncRunSchema) },
      },
      config: {
        summary: 'Sync history, newest first, with counts and errors',
        access: 'admin, technician, billing; services: ' + SERVICE_ACCESS.syncRuns.join(', '),
      },
    },
    async (request) => (await listRuns(db, { job: request.query.job, limit: request.query.limit })).map(presentRun),
  );

  app.get(
    '/api/sync/runs/:id',
    {
      preHandler: allow('sync:read', { services: SERVICE_ACCESS.syncRuns }),
      schema: { params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: syncRunSchema } },
      config: {
        summary: 'One run: progress while running, counts and errors when done',
        access: 'admin, technician, billing; services: ' + SERVICE_ACCESS.syncRuns.join(', '),
      },
    },
    async (request) => {
      const run = await findRun(db, request.params.id);
      if (run === undefined) throw new AppError('not_found', 'Run not found');
      return presentRun(run);
    },
  );

  app.put(
    '/api/sync/schedules/:job',
    {
      preHandler: allow('integration:manage'),
      schema: {
        params: jobParams,
        body: z.object({ paused: z.boolean() }),
        response: { 200: z.object({ job: z.string(), paused: z.boolean() }) },
      },
      config: { summary: "Pause or resume a job's schedule", access: 'admin' },
    },
    async (request) => {
      await setPaused(db, request.params.job, request.body.paused, actorOf(request).name, now());
      return { job: request.params.job, paused: request.body.paused };
    },
  );
};
