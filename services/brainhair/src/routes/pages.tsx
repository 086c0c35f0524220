/** The pages: chat (`/`), history (`/history`), administration (`/admin`); static scripts. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, requireRole, requireUser } from '@hivematrix/sdk';
import { auditTrail } from '../approvals/index.js';
import { listChats, modelInfo, ownChat, usageReport } from '../chat/index.js';
import { AdminPage, ChatPage, HistoryPage } from '../views/pages.js';
import { caller, type RouteDeps } from './context.js';
import { presentChat } from './chats-api.js';

const STATIC = ['brainhair-chat.js', 'brainhair-history.js'] as const;
const STATIC_DIR = path.resolve(import.meta.dirname, '../../static');

export const pageRoutes: FastifyPluginAsync<RouteDeps> = async (base, deps) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, now, config } = deps;
  const page = requireUser({ page: true });

  app.get(
    '/',
    { preHandler: page, schema: { querystring: z.object({ chat: z.uuid().optional() }) } },
    async (request, reply) => {
      const { user } = caller(request);
      const chat =
        request.query.chat === undefined ? null : presentChat(await ownChat(db, request.query.chat, user.sub));
      return reply.html(<ChatPage chat={chat} model={modelInfo(config)} urlFor={(p) => request.urlFor(p)} />);
    },
  );

  app.get(
    '/history',
    { preHandler: page, schema: { querystring: z.object({ q: z.string().max(200).default('') }) } },
    async (request, reply) => {
      const { user } = caller(request);
      const rows = await listChats(db, user.sub, { q: request.query.q, limit: 100, offset: 0 });
      return reply.html(
        <HistoryPage
          q={request.query.q}
          urlFor={(p) => request.urlFor(p)}
          rows={rows.map((r) => ({ ...presentChat(r.chat), message_count: r.count }))}
        />,
      );
    },
  );

  app.get('/admin', { preHandler: requireRole(['admin'], { page: true }) }, async (_request, reply) => {
    const usage = await usageReport(db, now(), 30);
    const audit = await auditTrail(db, 200);
    const inRate = config.BRAINHAIR_COST_PER_MTOK_IN / 1e6;
    const outRate = config.BRAINHAIR_COST_PER_MTOK_OUT / 1e6;
    return reply.html(
      <AdminPage
        model={modelInfo(config)}
        limits={{
          tokens: config.BRAINHAIR_DAILY_TOKENS,
          toolCalls: config.BRAINHAIR_DAILY_TOOL_CALLS,
          approvalTtlSec: config.BRAINHAIR_APPROVAL_TTL_SEC,
        }}
        usage={usage.map((u) => ({
          user_name: u.userName,
          day: u.day,
          input_tokens: u.inputTokens,
          output_tokens: u.outputTokens,
          tool_calls: u.toolCalls,
          messages: u.messages,
          cost: u.inputTokens * inRate + u.outputTokens * outRate,
        }))}
        audit={audit.map((a) => ({
          at: a.at.toISOString(),
          actor: a.actorName,
          action: a.action,
          tool: a.tool ?? '',
          summary: a.summary ?? '',
        }))}
      />,
    );
  });

  const cache = new Map<string, Buffer>();
  app.get('/static/:file', { schema: { params: z.object({ file: z.string().max(100) }) } }, async (request, reply) => {
    const name = request.params.file;
    if (!(STATIC as readonly string[]).includes(name)) throw new AppError('not_found', 'No such file');
    let body = cache.get(name);
    if (body === undefined) {
      body = await readFile(path.join(STATIC_DIR, name));
      cache.set(name, body);
    }
    return reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(body);
  });
};
