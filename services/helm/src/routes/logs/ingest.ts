/**
 * `POST /api/logs/ingest`: batches of log records from the services' log shippers
 * (`{service_name, logs: [{level, message, timestamp, context, trace_id, user_id}]}`).
 *
 * Service tokens only, and a service logs under its own name: the token's calling service is the
 * name, and a body naming another service is refused (the original let a body override the token).
 * Levels outside DEBUG…CRITICAL become INFO and messages are cut at 10 000 characters, as in the
 * original contract; everything else is validated and a bad batch is refused whole.
 */
import { z } from 'zod';
import { AppError, authenticate, HELM_MESSAGE_LIMIT, helmLevel, type ServiceApp } from '@hivematrix/sdk';
import { insertLogEntries } from '../../db/index.js';
import type { HelmDb, NewLogEntry } from '../../db/index.js';

const MAX_ENTRIES = 10_000;

const entrySchema = z.object({
  level: z
    .string()
    .max(20)
    .transform((level) => helmLevel(level)),
  message: z.string().transform((message) => message.slice(0, HELM_MESSAGE_LIMIT)),
  /** ISO 8601; without an offset it is taken as UTC. Absent: the time of arrival. */
  timestamp: z.union([z.iso.datetime({ offset: true }), z.iso.datetime({ local: true })]).optional(),
  context: z.record(z.string(), z.unknown()).default({}),
  trace_id: z.string().max(100).nullish(),
  user_id: z.string().max(200).nullish(),
  hostname: z.string().max(255).nullish(),
  process_id: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .nullish(),
});

export const ingestBodySchema = z.object({
  service_name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/)
    .optional(),
  logs: z.array(entrySchema).min(1).max(MAX_ENTRIES),
});

const ingestReplySchema = z.object({ success: z.literal(true), ingested: z.number().int() });

function toDate(timestamp: string | undefined, now: Date): Date {
  if (timestamp === undefined) return now;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(timestamp) ? timestamp : `${timestamp}Z`);
}

/** Registers the ingest route. */
export async function ingestRoutes(app: ServiceApp, options: { db: HelmDb; now: () => Date }): Promise<void> {
  app.post(
    '/api/logs/ingest',
    {
      schema: { body: ingestBodySchema, response: { 200: ingestReplySchema } },
      preHandler: async (request) => {
        const principal = await authenticate(request);
        if (principal === null) throw new AppError('unauthorized', 'A service token is required');
        if (principal.kind !== 'service') throw new AppError('forbidden', 'Only services ship logs here');
      },
    },
    async (request) => {
      const service = request.service;
      if (service === null) throw new AppError('unauthorized', 'A service token is required');
      const { service_name: claimed, logs } = request.body;
      if (claimed !== undefined && claimed !== service) {
        throw new AppError('forbidden', `A token of ${service} cannot ship logs as ${claimed}`);
      }
      const now = options.now();
      const rows: NewLogEntry[] = logs.map((entry) => ({
        timestamp: toDate(entry.timestamp, now),
        receivedAt: now,
        serviceName: service,
        level: entry.level,
        message: entry.message,
        context: entry.context,
        traceId: entry.trace_id ?? null,
        userId: entry.user_id ?? null,
        hostname: entry.hostname ?? null,
        processId: entry.process_id ?? null,
      }));
      const ingested = await insertLogEntries(options.db, rows);
      return { success: true as const, ingested };
    },
  );
}
