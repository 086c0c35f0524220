/** `/api/chats…`: the user's own chats. Every route loads the chat through its owner (404 otherwise). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, requireUser } from '@hivematrix/sdk';
import { approvalsOfChat, expireApprovals } from '../approvals/index.js';
import {
  cardOf,
  createChat,
  deleteChat,
  exportMarkdown,
  listChats,
  messagesOf,
  ownChat,
  renderMarkdown,
  runTurn,
  toolCallsOf,
  updateChat,
  usageToday,
} from '../chat/index.js';
import type { TurnEvent } from '../chat/index.js';
import type { Chat } from '../db/index.js';
import { caller, type RouteDeps } from './context.js';
import { eventWriter } from './event-stream.js';

const idParams = z.object({ id: z.uuid() });
const accountField = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,50}$/)
  .nullable();
const contextBody = z
  .object({ company_account: accountField.optional(), ticket_id: z.number().int().positive().nullable().optional() })
  .strict();
const patchBody = contextBody.extend({ title: z.string().trim().min(1).max(120).optional() }).strict();

export const presentChat = (chat: Chat) => ({
  id: chat.id,
  title: chat.title,
  company_account: chat.companyAccount,
  ticket_id: chat.ticketId,
  created_at: chat.createdAt.toISOString(),
  updated_at: chat.updatedAt.toISOString(),
});

export const chatApiRoutes: FastifyPluginAsync<RouteDeps> = async (base, deps) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, now } = deps;
  const guard = requireUser();

  app.post('/api/chats', { preHandler: guard, schema: { body: contextBody.default({}) } }, async (request, reply) => {
    const { user, name } = caller(request);
    const chat = await createChat(db, { sub: user.sub, name }, now(), {
      companyAccount: request.body.company_account ?? null,
      ticketId: request.body.ticket_id ?? null,
    });
    return reply.code(201).send(presentChat(chat));
  });

  app.get(
    '/api/chats',
    {
      preHandler: guard,
      schema: {
        querystring: z.object({
          q: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => {
      const { user } = caller(request);
      const rows = await listChats(db, user.sub, request.query);
      return { chats: rows.map((r) => ({ ...presentChat(r.chat), message_count: r.count })) };
    },
  );

  app.get('/api/chats/:id', { preHandler: guard, schema: { params: idParams } }, async (request) => {
    const { user } = caller(request);
    const chat = await ownChat(db, request.params.id, user.sub);
    await expireApprovals(db, now());
    const [rows, calls, cards] = await Promise.all([
      messagesOf(db, chat.id),
      toolCallsOf(db, chat.id),
      approvalsOfChat(db, chat.id),
    ]);
    return {
      chat: presentChat(chat),
      messages: rows.map((m) => ({
        id: m.id,
        role: m.role,
        content: m.content,
        html: m.role === 'assistant' ? renderMarkdown(m.content) : null,
        status: m.status,
        mode: m.mode,
        created_at: m.createdAt.toISOString(),
      })),
      tool_calls: calls.map((c) => ({
        id: c.callId,
        message_id: c.messageId,
        tool: c.tool,
        input: c.input,
        status: c.status,
        output: c.output,
      })),
      approvals: cards.map(cardOf),
    };
  });

  app.patch('/api/chats/:id', { preHandler: guard, schema: { params: idParams, body: patchBody } }, async (request) => {
    const { user } = caller(request);
    const chat = await ownChat(db, request.params.id, user.sub);
    const b = request.body;
    const updated = await updateChat(
      db,
      chat,
      {
        ...(b.title === undefined ? {} : { title: b.title }),
        ...(b.company_account === undefined ? {} : { companyAccount: b.company_account }),
        ...(b.ticket_id === undefined ? {} : { ticketId: b.ticket_id }),
      },
      now(),
    );
    return presentChat(updated);
  });

  app.delete('/api/chats/:id', { preHandler: guard, schema: { params: idParams } }, async (request, reply) => {
    const { user } = caller(request);
    const chat = await ownChat(db, request.params.id, user.sub);
    deps.runs.stop(chat.id, user.sub);
    await deleteChat(db, chat);
    return reply.code(204).send();
  });

  app.get('/api/chats/:id/export.md', { preHandler: guard, schema: { params: idParams } }, async (request, reply) => {
    const { user } = caller(request);
    const chat = await ownChat(db, request.params.id, user.sub);
    const markdown = exportMarkdown(chat, await messagesOf(db, chat.id), await toolCallsOf(db, chat.id));
    const file = `brainhair-${chat.createdAt.toISOString().slice(0, 10)}-${chat.id.slice(0, 8)}.md`;
    return reply
      .header('content-type', 'text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file}"`)
      .send(markdown);
  });

  app.post('/api/chats/:id/stop', { preHandler: guard, schema: { params: idParams } }, async (request) => {
    const { user } = caller(request);
    const chat = await ownChat(db, request.params.id, user.sub);
    return { stopped: deps.runs.stop(chat.id, user.sub) };
  });

  /**
   * Sends a message and streams the answer as server-sent events (`text/event-stream`): start,
   * text, tool-call, tool-result, approval, done. The run stops when the stop route is called or
   * the connection closes.
   */
  app.post(
    '/api/chats/:id/messages',
    {
      preHandler: guard,
      schema: { params: idParams, body: z.object({ text: z.string().trim().min(1).max(20_000) }).strict() },
    },
    async (request, reply) => {
      const { user, token } = caller(request);
      const chat = await ownChat(db, request.params.id, user.sub);
      if (deps.model !== undefined) {
        const used = await usageToday(db, user.sub, now());
        if (used.tokens >= deps.config.BRAINHAIR_DAILY_TOKENS)
          throw new AppError('rate_limited', 'Your daily token allowance is used up; it renews at midnight UTC');
      }
      const controller = new AbortController();
      const run = { ownerSub: user.sub, controller };
      if (!deps.runs.start(chat.id, run))
        throw new AppError('conflict', 'This chat is already answering; stop it first');
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      let finished = false;
      raw.on('close', () => {
        if (!finished) controller.abort(new Error('the client went away'));
      });
      const events = eventWriter(raw);
      const emit = (event: TurnEvent): void => events.send(event.type, event);
      try {
        await runTurn(
          {
            db,
            platform: deps.platform,
            tools: deps.tools,
            model: deps.model,
            now,
            maxSteps: deps.config.BRAINHAIR_MAX_STEPS,
            toolCallLimit: deps.config.BRAINHAIR_DAILY_TOOL_CALLS,
            approvalTtlSec: deps.config.BRAINHAIR_APPROVAL_TTL_SEC,
            redactionKey: deps.redactionKey,
          },
          { chat, user, token, text: request.body.text, signal: controller.signal, emit },
        );
      } catch (error) {
        request.log.error({ err: error }, 'chat turn failed');
        events.send('error', { type: 'error', detail: 'The answer failed; try again.' });
      } finally {
        finished = true;
        deps.runs.finish(chat.id, run);
        events.end();
      }
    },
  );
};
