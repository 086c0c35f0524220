/** `/assets` pages: filtered list, detail, billing-type override form, secret reveal. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import { ASSET_SORTS, listAssets, recordAudit, revealSecret, setBillingOverride } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { BILLING_TYPES, can, isBillingType } from '../../domain/index.js';
import type { SecretKeyring } from '../../domain/index.js';
import { AssetDetailPage, AssetsPage } from '../../views/assets.js';
import type { Flash } from '../../views/layout.js';
import { actorOf, allow, scopeOf, userOf } from '../access.js';
import { field } from '../forms.js';
import { flashOf, paramId, viewContext } from '../page-context.js';
import { visibleAsset } from './api.js';

const listQuery = z.object({
  q: z.string().trim().max(200).catch(''),
  company: z.string().trim().max(50).catch(''),
  billing_type: z.enum(BILLING_TYPES).or(z.literal('')).catch(''),
  online: z.enum(['', 'true', 'false']).catch(''),
  sort: z.enum(ASSET_SORTS).catch('hostname'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
const idOf = (request: FastifyRequest) => paramId(request, 'id');

/** The assets pages and their forms. */
export const assetPageRoutes: FastifyPluginAsync<{
  db: CodexDb;
  now: () => Date;
  secretKey: SecretKeyring | undefined;
}> = async (app, { db, now, secretKey }) => {
  app.get('/assets', { preHandler: allow('directory:read', { page: true }) }, async (request, reply) => {
    const query = listQuery.parse(request.query);
    const result = await listAssets(db, {
      q: query.q,
      accountNumber: query.company || undefined,
      billingType: query.billing_type || undefined,
      online: query.online === '' ? undefined : query.online === 'true',
      archived: 'active',
      sort: query.sort,
      dir: query.dir,
      page: query.page,
      perPage: 50,
      scope: await scopeOf(request, db),
    });
    const filters = {
      q: query.q,
      company: query.company,
      billingType: query.billing_type,
      online: query.online,
      sort: query.sort,
      dir: query.dir,
    };
    return reply.html(
      <AssetsPage ctx={viewContext(request)} flash={flashOf(request)} result={result} filters={filters} />,
    );
  });

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { flash?: Flash; revealed?: { kind: string; value: string }; status?: number } = {},
  ) {
    const detail = await visibleAsset(request, db, idOf(request));
    const level = userOf(request).permission_level;
    return reply.html(
      <AssetDetailPage
        ctx={viewContext(request)}
        flash={options.flash ?? flashOf(request)}
        detail={detail}
        canEditBilling={can(level, 'asset:billing')}
        canListSecrets={can(level, 'secret:list')}
        canRevealSecrets={can(level, 'secret:reveal') && secretKey !== undefined}
        revealed={options.revealed}
      />,
      options.status,
    );
  }

  app.get('/assets/:id', { preHandler: allow('directory:read', { page: true }) }, async (request, reply) =>
    render(request, reply),
  );

  app.post(
    '/assets/:id/billing-type',
    { preHandler: allow('asset:billing', { page: true }) },
    async (request, reply) => {
      const detail = await visibleAsset(request, db, idOf(request));
      const chosen = field(request.body, 'override');
      if (chosen !== '' && !isBillingType(chosen))
        return render(request, reply, { flash: { variant: 'error', message: 'Choose a billing type.' }, status: 400 });
      const override = chosen === '' ? null : chosen;
      const changed = await setBillingOverride(db, detail.asset.id, isBillingType(override) ? override : null, now());
      await recordAudit(
        db,
        {
          actor: actorOf(request),
          action: 'asset.billing_type',
          entity: 'asset',
          entityId: detail.asset.id,
          detail: {
            before: changed?.before.billingTypeOverride ?? null,
            after: override,
            hostname: detail.asset.hostname,
          },
        },
        now(),
      );
      return reply.redirectTo(`/assets/${detail.asset.id}`, { done: 'billing-type-saved' });
    },
  );

  app.post(
    '/assets/:id/secrets/:secretId/reveal',
    { preHandler: allow('secret:reveal', { page: true }) },
    async (request, reply) => {
      if (secretKey === undefined)
        throw new AppError('service_unavailable', 'Secrets cannot be revealed: CODEX_SECRET_KEY is not configured');
      const detail = await visibleAsset(request, db, idOf(request));
      const secretId = paramId(request, 'secretId');
      const secret = await revealSecret(db, secretKey, detail.asset.id, secretId);
      if (secret === undefined) throw new AppError('not_found', 'Secret not found');
      await recordAudit(
        db,
        {
          actor: actorOf(request),
          action: 'secret.reveal',
          entity: 'asset',
          entityId: detail.asset.id,
          detail: { kind: secret.kind, hostname: detail.asset.hostname },
        },
        now(),
      );
      return render(request, reply, { revealed: secret });
    },
  );
};
