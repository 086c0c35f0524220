/**
 * The logs viewer, admins only: `GET /logs` (the page), `GET /api/logs` (the same filters as
 * JSON: `{ entries, next }`, `next` being the `after` cursor of the following page or null) and
 * `GET /api/logs/stream` (server-sent events, one `log` event per new entry matching the same
 * filters, its `id` the entry's id so a reconnecting browser resumes with `Last-Event-ID`), and
 * `GET /api/logs/export` (the same filters as a download, NDJSON or CSV; see export.ts). The page's
 * live follow script is `GET /static/helm-logs.js`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { requireRole, type ServiceApp } from '@hivematrix/sdk';
import { logHistogram, encodeCursor, queryLogs } from '../../db/index.js';
import type { HelmDb } from '../../db/index.js';
import type { PlatformStatus } from '../../status.js';
import { LogsPage } from '../../views/logs.js';
import { z } from 'zod';
import { entryJson } from './entry-json.js';
import { exportLogs } from './export.js';
import { filterOf, linkQuery, logQuerySchema, RANGE_PRESETS } from './filter.js';
import { streamLogs } from './stream.js';

/** What the viewer needs. */
export interface LogRoutesOptions {
  db: HelmDb;
  status: () => PlatformStatus;
  pollMs: number;
  /** The clock of the range presets; default the system's. */
  now?: () => Date;
}

const SCRIPT = path.resolve(import.meta.dirname, '../../../static/helm-logs.js');

/** Registers the viewer's routes. */
export async function logRoutes(app: ServiceApp, options: LogRoutesOptions): Promise<void> {
  // Open streams would hold the server open: closing the app ends them first.
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of [...open]) end();
    done();
  });

  app.get(
    '/logs',
    { preHandler: requireRole(['admin'], { page: true }), schema: { querystring: logQuerySchema } },
    async (request, reply) => {
      const now = (options.now ?? (() => new Date()))();
      const filter = filterOf(request.query, now);
      // Without a lower bound the histogram shows the last 24 hours (the table still lists everything).
      const from = filter.from ?? new Date(now.getTime() - RANGE_PRESETS['24h']);
      const [page, histogram] = await Promise.all([
        queryLogs(options.db, filter, request.query.limit),
        logHistogram(options.db, filter, from, filter.to ?? now),
      ]);
      const services = options.status().services.map((service) => service.name);
      return reply.html(
        <LogsPage
          page={page}
          services={services}
          query={linkQuery(request.query)}
          histogram={histogram}
          urlFor={(target, query) => request.urlFor(target, query)}
        />,
      );
    },
  );

  let script: Buffer | undefined;
  app.get('/static/helm-logs.js', async (_request, reply) => {
    script ??= await readFile(SCRIPT);
    return reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(script);
  });

  app.get(
    '/api/logs',
    { preHandler: requireRole(['admin']), schema: { querystring: logQuerySchema } },
    async (request) => {
      const page = await queryLogs(
        options.db,
        filterOf(request.query, (options.now ?? (() => new Date()))()),
        request.query.limit,
      );
      return { entries: page.entries.map(entryJson), next: page.next === null ? null : encodeCursor(page.next) };
    },
  );

  app.get(
    '/api/logs/export',
    {
      preHandler: requireRole(['admin']),
      schema: { querystring: logQuerySchema.extend({ format: z.enum(['ndjson', 'csv']).default('ndjson') }) },
    },
    async (request, reply) => {
      const { format } = request.query;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
        .header('Content-Disposition', `attachment; filename="hivematrix-logs-${stamp}.${format}"`)
        .header('Cache-Control', 'no-store')
        .send(exportLogs(options.db, filterOf(request.query), format));
    },
  );

  app.get(
    '/api/logs/stream',
    { preHandler: requireRole(['admin']), schema: { querystring: logQuerySchema } },
    async (request, reply) => {
      await streamLogs(request, reply, { ...options, open }, filterOf(request.query));
    },
  );
}
