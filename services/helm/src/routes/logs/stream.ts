/**
 * The live follow (server-sent events, WHATWG HTML §9.2): every `pollMs` the stream reads the
 * entries with an id above the last one sent that match the filters, and writes each as a `log`
 * event whose `id` is the entry's id. It starts after the newest stored entry, or after the
 * browser's `Last-Event-ID` when it reconnects, so nothing is sent twice or skipped.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { max } from 'drizzle-orm';
import { queryLogs, logEntries } from '../../db/index.js';
import type { LogFilter, HelmDb } from '../../db/index.js';
import { entryJson } from './entry-json.js';

const BATCH = 500;

/** Streams matching entries until the client goes away. */
export async function streamLogs(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { db: HelmDb; pollMs: number; open: Set<() => void> },
  filter: LogFilter,
): Promise<void> {
  const resume = Number.parseInt(String(request.headers['last-event-id'] ?? ''), 10);
  let lastId =
    Number.isSafeInteger(resume) && resume >= 0
      ? resume
      : ((await options.db.select({ value: max(logEntries.id) }).from(logEntries))[0]?.value ?? 0);
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  // A comment line, so the client sees the stream open before the first entry.
  raw.write(': following\n\n');
  let busy = false;
  const tick = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const { after: _ignored, ...rest } = filter;
      const { entries } = await queryLogs(options.db, { ...rest, sinceId: lastId }, BATCH);
      for (const entry of entries) {
        raw.write(`event: log\nid: ${entry.id}\ndata: ${JSON.stringify(entryJson(entry))}\n\n`);
        lastId = Math.max(lastId, entry.id);
      }
    } catch (error) {
      request.log.warn({ err: error }, 'log stream query failed');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), options.pollMs);
  const end = (): void => {
    clearInterval(timer);
    raw.end();
  };
  options.open.add(end);
  raw.on('close', () => {
    clearInterval(timer);
    options.open.delete(end);
  });
}
