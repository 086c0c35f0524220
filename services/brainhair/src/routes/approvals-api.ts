/** `/api/approvals/:id`: the owner reads and decides an approval request; admins read the audit. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole, requireUser } from '@hivematrix/sdk';
import { auditTrail, decideApproval, expireApprovals, ownApproval } from '../approvals/index.js';
import { cardOf, usageReport } from '../chat/index.js';
import { caller, type RouteDeps } from './context.js';

const idParams = z.object({ id: z.uuid() });
const decisionBody = z
  .object({ decision: z.enum(['approve', 'deny']), args_hash: z.string().regex(/^[0-9a-f]{64}$/) })
  .strict();

export const approvalApiRoutes: FastifyPluginAsync<RouteDeps> = async (base, deps) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, now } = deps;

  app.get('/api/approvals/:id', { preHandler: requireUser(), schema: { params: idParams } }, async (request) => {
    const { user } = caller(request);
    await expireApprovals(db, now());
    const row = await ownApproval(db, request.params.id, user);
    return cardOf(row);
  });

  app.post(
    '/api/approvals/:id/decision',
    { preHandler: requireUser(), schema: { params: idParams, body: decisionBody } },
    async (request) => {
      const { user, token } = caller(request);
      const row = await decideApproval(
        { db, platform: deps.platform, tools: deps.writeTools, now },
        { id: request.params.id, user, token, argsHash: request.body.args_hash, decision: request.body.decision },
      );
      return cardOf(row);
    },
  );

  app.get(
    '/api/admin/audit',
    {
      preHandler: requireRole(['admin']),
      schema: { querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }) },
    },
    async (request) => {
      const rows = await auditTrail(db, request.query.limit);
      return { events: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
    },
  );

  app.get(
    '/api/admin/usage',
    {
      preHandler: requireRole(['admin']),
      schema: { querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }) },
    },
    async (request) => {
      const rows = await usageReport(db, now(), request.query.days);
      const inRate = deps.config.BRAINHAIR_COST_PER_MTOK_IN / 1e6;
      const outRate = deps.config.BRAINHAIR_COST_PER_MTOK_OUT / 1e6;
      return {
        usage: rows.map((r) => ({
          user_sub: r.userSub,
          user_name: r.userName,
          day: r.day,
          input_tokens: r.inputTokens,
          output_tokens: r.outputTokens,
          tool_calls: r.toolCalls,
          messages: r.messages,
          cost: Number((r.inputTokens * inRate + r.outputTokens * outRate).toFixed(4)),
        })),
      };
    },
  );
};
