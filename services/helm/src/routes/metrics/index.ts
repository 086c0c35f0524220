/**
 * `GET /api/metrics/:service?since=` (admins): the service's samples since `since` (an ISO time
 * or a duration back from now: 30m, 6h, 7d; default 24 h), oldest first, at most `limit`.
 */
import { z } from 'zod';
import { AppError, requireRole, type ServiceApp } from '@hivematrix/sdk';
import { serviceSamples } from '../../db/index.js';
import type { HelmDb } from '../../db/index.js';
import type { PlatformStatus } from '../../status.js';

/** What the metrics API needs. */
export interface MetricsRouteDeps {
  db: HelmDb;
  status: () => PlatformStatus;
  now: () => Date;
}

const admin = requireRole(['admin']);
const DURATION = /^(\d{1,6})(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `since` as a time: a duration back from `now`, or an ISO date; undefined when it is neither. */
export function parseSinceParam(text: string, now: Date): Date | undefined {
  const match = DURATION.exec(text);
  if (match?.[1] !== undefined && match[2] !== undefined)
    return new Date(now.getTime() - Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const sampleSchema = z.object({
  at: z.string(),
  state: z.string(),
  health: z.string(),
  pid: z.number().int().nullable(),
  cpu_percent: z.number().nullable(),
  memory_mb: z.number().nullable(),
  restarts: z.number().int(),
});

/** Registers the API. */
export async function metricsRoutes(app: ServiceApp, deps: MetricsRouteDeps): Promise<void> {
  app.get(
    '/api/metrics/:service',
    {
      preHandler: admin,
      schema: {
        params: z.object({ service: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/) }),
        querystring: z.object({
          since: z.string().max(40).default('24h'),
          limit: z.coerce.number().int().min(1).max(50_000).default(10_000),
        }),
        response: { 200: z.object({ service: z.string(), since: z.string(), samples: z.array(sampleSchema) }) },
      },
    },
    async (request, reply) => {
      const { service } = request.params;
      if (!deps.status().services.some((candidate) => candidate.name === service))
        throw new AppError('not_found', `No service named ${service}`);
      const since = parseSinceParam(request.query.since, deps.now());
      if (since === undefined) {
        throw new AppError('validation_failed', 'since must be an ISO time or a duration such as 30m, 6h or 7d', {
          errors: [{ path: 'since', message: 'invalid' }],
        });
      }
      void reply.header('Cache-Control', 'no-store');
      const rows = await serviceSamples(deps.db, service, since, request.query.limit);
      return {
        service,
        since: since.toISOString(),
        samples: rows.map((row) => ({
          at: row.at.toISOString(),
          state: row.state,
          health: row.health,
          pid: row.pid,
          cpu_percent: row.cpuPercent,
          memory_mb: row.memoryMb,
          restarts: row.restarts,
        })),
      };
    },
  );
}
