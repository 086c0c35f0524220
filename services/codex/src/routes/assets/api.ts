/** `/api/assets…`: search and filters, detail, billing-type overrides, and revealing secrets. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import { ASSET_SORTS, findAsset, listAssets, recordAudit, revealSecret, setBillingOverride } from '../../db/index.js';
import type { AssetDetail, CodexDb } from '../../db/index.js';
import { BILLING_TYPES, SERVICE_ACCESS } from '../../domain/index.js';
import type { SecretKeyring } from '../../domain/index.js';
import { actorOf, allow, assertVisible, scopeOf } from '../access.js';
import { assetSchema, contactSchema, pageOf, pagingQuery, presentAsset, presentContact } from '../api-schemas.js';
import type { FastifyRequest } from 'fastify';

export const assetListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  company: z.string().trim().max(50).optional(),
  billing_type: z.enum(BILLING_TYPES).optional(),
  online: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  archived: z.enum(['active', 'archived', 'all']).default('active'),
  sort: z.enum(ASSET_SORTS).default('hostname'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  ...pagingQuery,
});
const idParams = z.object({ id: z.coerce.number().int().positive() });
const detailSchema = z.object({
  asset: assetSchema.extend({ company_name: z.string() }),
  contacts: z.array(contactSchema),
  secrets: z.array(z.object({ id: z.number().int(), kind: z.string(), updated_at: z.string() })),
});

/** Loads an asset the caller may see, or 404. */
export async function visibleAsset(request: FastifyRequest, db: CodexDb, id: number): Promise<AssetDetail> {
  const detail = await findAsset(db, id, await scopeOf(request, db));
  if (detail === undefined) throw new AppError('not_found', 'Asset not found');
  await assertVisible(request, db, detail.asset.companyId, 'Asset');
  return detail;
}

/** The assets API: search, detail, billing-type overrides and secret reveals. */
export const assetApiRoutes: FastifyPluginAsync<{
  db: CodexDb;
  now: () => Date;
  secretKey: SecretKeyring | undefined;
}> = async (base, { db, now, secretKey }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const readers = { services: SERVICE_ACCESS.assets };

  app.get(
    '/api/assets',
    {
      preHandler: allow('directory:read', readers),
      schema: {
        querystring: assetListQuery,
        response: { 200: pageOf(assetSchema.extend({ company_name: z.string() })) },
      },
      config: {
        summary: 'Assets: hostname search, filters by company, billing type and online state, paged',
        access: 'users (clients: their own); services: ' + readers.services.join(', '),
      },
    },
    async (request) => {
      const query = request.query;
      const result = await listAssets(db, {
        q: query.q,
        accountNumber: query.company,
        billingType: query.billing_type,
        online: query.online,
        archived: query.archived,
        sort: query.sort,
        dir: query.dir,
        page: query.page,
        perPage: query.per_page,
        scope: await scopeOf(request, db),
      });
      return {
        items: result.items.map((asset) => ({ ...presentAsset(asset), company_name: asset.companyName })),
        page: query.page,
        per_page: query.per_page,
        total: result.total,
      };
    },
  );

  app.get(
    '/api/assets/:id',
    {
      preHandler: allow('directory:read', readers),
      schema: { params: idParams, response: { 200: detailSchema } },
      config: {
        summary: 'One asset with its contacts and which secrets it holds (never their values)',
        access: 'users (clients: their own); services: ' + readers.services.join(', '),
      },
    },
    async (request) => {
      const detail = await visibleAsset(request, db, request.params.id);
      const showSecrets =
        request.user !== null &&
        request.user.permission_level !== 'client' &&
        request.user.permission_level !== 'billing';
      return {
        asset: { ...presentAsset(detail.asset), company_name: detail.asset.companyName },
        contacts: detail.contacts.map((contact) => presentContact(contact)),
        secrets: showSecrets
          ? detail.secrets.map((secret) => ({
              id: secret.id,
              kind: secret.kind,
              updated_at: secret.updatedAt.toISOString(),
            }))
          : [],
      };
    },
  );

  app.put(
    '/api/assets/:id/billing-type',
    {
      preHandler: allow('asset:billing'),
      schema: {
        params: idParams,
        body: z.object({ override: z.enum(BILLING_TYPES).nullable() }),
        response: { 200: assetSchema },
      },
      config: {
        summary: 'Set (or clear with null) the billing-type override; sync never changes it',
        access: 'admin, billing',
      },
    },
    async (request) => {
      const detail = await visibleAsset(request, db, request.params.id);
      const changed = await setBillingOverride(db, detail.asset.id, request.body.override, now());
      if (changed === undefined) throw new AppError('not_found', 'Asset not found');
      await recordAudit(
        db,
        {
          actor: actorOf(request),
          action: 'asset.billing_type',
          entity: 'asset',
          entityId: detail.asset.id,
          detail: {
            before: changed.before.billingTypeOverride,
            after: changed.after.billingTypeOverride,
            hostname: detail.asset.hostname,
          },
        },
        now(),
      );
      return presentAsset(changed.after, detail.asset.accountNumber);
    },
  );

  app.post(
    '/api/assets/:id/secrets/:secretId/reveal',
    {
      preHandler: allow('secret:reveal'),
      schema: {
        params: idParams.extend({ secretId: z.coerce.number().int().positive() }),
        response: { 200: z.object({ kind: z.string(), value: z.string() }) },
      },
      config: { summary: 'Reveal one stored secret (recorded in the audit trail)', access: 'admin' },
    },
    async (request, reply) => {
      if (secretKey === undefined)
        throw new AppError('service_unavailable', 'Secrets cannot be revealed: CODEX_SECRET_KEY is not configured');
      const detail = await visibleAsset(request, db, request.params.id);
      const secret = await revealSecret(db, secretKey, detail.asset.id, request.params.secretId);
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
      void reply.header('cache-control', 'no-store');
      return secret;
    },
  );
};
