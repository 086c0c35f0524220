/**
 * The SuperOps adapter (GraphQL, https://developer.superops.com/msp): clients → companies,
 * assets, tickets. Requests are POSTs to the MSP endpoint with a bearer token and the
 * `CustomerSubDomain` header; lists take a `ListInfoInput` (`page`, `pageSize`) and answer with
 * `listInfo.hasMore`. A GraphQL `errors` answer fails the page like an HTTP error would. The
 * original had only stubs raising NotImplementedError. Field names follow the public schema;
 * check them against a live tenant before relying on the less common ones (DECISIONS.md).
 */
import { z } from 'zod';
import { isIP } from 'node:net';
import { prioritySlug, statusSlug, toInstant } from '../domain/index.js';
import type { SyncJobName } from '../domain/index.js';
import { DEFAULT_RETRY, vendorJson, VendorError, type RetryPolicy, type VendorHttpDeps } from './http.js';
import type { ExtAsset, ExtCompany, ExtTicket, FetchContext, SyncEvent, SyncProvider } from './provider.js';

export interface SuperOpsOptions {
  apiUrl: string;
  apiToken: string;
  subdomain: string;
  accountNumberField: string;
  http: VendorHttpDeps;
  retry?: RetryPolicy;
  pageSize?: number;
}

const listInfo = z.object({ hasMore: z.boolean().nullish(), page: z.number().nullish() });
const ref = z.object({ accountId: z.string() }).nullish();
const clientSchema = z.object({
  accountId: z.string().min(1),
  name: z.string().min(1),
  emailDomains: z.array(z.string()).nullish(),
  customFields: z.record(z.string(), z.unknown()).nullish(),
});
const assetSchema = z.object({
  assetId: z.string().min(1),
  name: z.string().nullish(),
  hostName: z.string().nullish(),
  assetClass: z.object({ name: z.string().nullish() }).nullish(),
  platform: z.string().nullish(),
  status: z.string().nullish(),
  lastCommunicatedTime: z.string().nullish(),
  privateIp: z.string().nullish(),
  publicIp: z.string().nullish(),
  client: ref,
});
const ticketSchema = z.object({
  ticketId: z.string().min(1),
  displayId: z.string().nullish(),
  subject: z.string().nullish(),
  status: z.string().nullish(),
  priority: z.string().nullish(),
  ticketType: z.string().nullish(),
  client: ref,
  requester: z.object({ name: z.string().nullish(), email: z.string().nullish() }).nullish(),
  technician: z.object({ userId: z.string().nullish() }).nullish(),
  createdTime: z.string(),
  updatedTime: z.string().nullish(),
  resolutionTime: z.string().nullish(),
});

const QUERIES = {
  clients:
    'query getClientList($input: ListInfoInput!) { getClientList(input: $input) { clients { accountId name emailDomains customFields } listInfo { page hasMore } } }',
  assets:
    'query getAssetList($input: ListInfoInput!) { getAssetList(input: $input) { assets { assetId name hostName assetClass { name } platform status lastCommunicatedTime privateIp publicIp client } listInfo { page hasMore } } }',
  tickets:
    'query getTicketList($input: ListInfoInput!) { getTicketList(input: $input) { tickets { ticketId displayId subject status priority ticketType client requester technician createdTime updatedTime resolutionTime } listInfo { page hasMore } } }',
} as const;

function ip(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return isIP(trimmed) === 0 ? null : trimmed;
}

/** A SuperOps client as a company; the account number is a custom field. */
export function mapClient(raw: z.infer<typeof clientSchema>, field: string): ExtCompany {
  const value = raw.customFields?.[field];
  const accountNumber =
    typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : null;
  return {
    externalId: raw.accountId,
    accountNumber,
    name: raw.name.trim(),
    domains: (raw.emailDomains ?? []).map((domain) => domain.toLowerCase()),
  };
}

/** Builds the adapter. */
export function createSuperOpsProvider(options: SuperOpsOptions): SyncProvider {
  const retry = options.retry ?? DEFAULT_RETRY;
  const pageSize = options.pageSize ?? 100;

  async function* pages<S extends z.ZodType>(
    name: keyof typeof QUERIES,
    field: string,
    key: string,
    schema: S,
    signal: AbortSignal,
    condition?: Record<string, string>,
  ): AsyncGenerator<z.output<S>[]> {
    for (let page = 1; ; page += 1) {
      const { body } = await vendorJson(
        options.http,
        retry,
        options.apiUrl,
        () => ({
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.apiToken}`,
            customersubdomain: options.subdomain,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            query: QUERIES[name],
            variables: { input: { page, pageSize, ...(condition === undefined ? {} : { condition }) } },
          }),
        }),
        signal,
      );
      const answer = body as {
        data?: Record<string, Record<string, unknown> | null>;
        errors?: { message?: string }[];
      } | null;
      if (answer?.errors !== undefined && answer.errors.length > 0)
        throw new VendorError(`SuperOps ${field}: ${answer.errors[0]?.message ?? 'GraphQL error'}`);
      const result = answer?.data?.[field];
      const list = result?.[key];
      if (!Array.isArray(list)) throw new VendorError(`SuperOps ${field}: the answer has no "${key}" list`);
      yield list.map((item, index) => {
        const parsed = schema.safeParse(item);
        if (!parsed.success)
          throw new VendorError(
            `SuperOps ${field}: item ${index + 1} is not as documented (${parsed.error.issues[0]?.path.join('.') ?? '?'})`,
          );
        return parsed.data;
      });
      if (listInfo.safeParse(result?.listInfo).data?.hasMore !== true) return;
    }
  }

  async function* directory(signal: AbortSignal): AsyncGenerator<SyncEvent> {
    for await (const page of pages('clients', 'getClientList', 'clients', clientSchema, signal)) {
      // Clients without a usable account number are skipped (and reported by name) when stored.
      yield { kind: 'companies', items: page.map((client) => mapClient(client, options.accountNumberField)) };
    }
    yield { kind: 'complete', collection: 'companies' };
    for await (const page of pages('assets', 'getAssetList', 'assets', assetSchema, signal)) {
      const items: ExtAsset[] = page.flatMap((raw) =>
        raw.client?.accountId === undefined
          ? []
          : [
              {
                externalId: raw.assetId,
                companyExternalId: raw.client.accountId,
                hostname: (raw.hostName ?? raw.name ?? raw.assetId).trim(),
                category: raw.assetClass?.name ?? null,
                operatingSystem: raw.platform ?? null,
                online: (raw.status ?? '').toLowerCase() === 'online',
                lastSeen: toInstant(raw.lastCommunicatedTime ?? null),
                intIp: ip(raw.privateIp),
                extIp: ip(raw.publicIp),
              },
            ],
      );
      yield { kind: 'assets', items };
    }
    yield { kind: 'complete', collection: 'assets' };
  }

  async function* ticketEvents(context: FetchContext): AsyncGenerator<SyncEvent> {
    // Incremental: only tickets updated since the last successful run (ListInfo's filter condition).
    const condition =
      context.since === null
        ? undefined
        : { attribute: 'updatedTime', operator: 'gt', value: context.since.toISOString() };
    for await (const page of pages('tickets', 'getTicketList', 'tickets', ticketSchema, context.signal, condition)) {
      const items: ExtTicket[] = page.map((raw) => {
        const status = statusSlug(raw.status ?? 'unknown');
        return {
          externalId: raw.ticketId,
          ticketNumber: raw.displayId ?? raw.ticketId,
          subject: raw.subject ?? '',
          status,
          priority: prioritySlug(raw.priority),
          ticketType: raw.ticketType ?? null,
          companyExternalId: raw.client?.accountId ?? null,
          requesterName: raw.requester?.name ?? null,
          requesterEmail: raw.requester?.email?.toLowerCase() ?? null,
          responderExternalId: raw.technician?.userId ?? null,
          createdAt: toInstant(raw.createdTime) ?? new Date(0),
          updatedAt: toInstant(raw.updatedTime ?? raw.createdTime) ?? new Date(0),
          closedAt: toInstant(raw.resolutionTime ?? null),
        };
      });
      yield { kind: 'tickets', items };
    }
    yield { kind: 'complete', collection: 'tickets' };
  }

  return {
    name: 'superops',
    jobs: ['superops', 'superops-tickets'],
    fetch(job: SyncJobName, context: FetchContext): AsyncIterable<SyncEvent> {
      if (job === 'superops') return directory(context.signal);
      if (job === 'superops-tickets') return ticketEvents(context);
      throw new VendorError(`SuperOps does not serve the ${job} job`);
    },
  };
}
