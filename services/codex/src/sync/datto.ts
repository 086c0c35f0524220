/**
 * The Datto RMM adapter (API v2): sites → company links through the site variable holding the
 * account number, devices → assets with their UDFs.
 *
 * Authentication is OAuth 2.0 against `<api>/auth/oauth/token` (the password grant with the API
 * key and secret, client `public-client`/`public`, as Datto documents); tokens last 100 hours and
 * are renewed on a 401. Lists carry `pageDetails.nextPageUrl`, followed only on the same origin.
 * Datto allows 600 requests a minute and answers 429 beyond; `vendorJson` waits as told.
 * Devices are identified by their `uid`, so a renamed device keeps its asset, links and override
 * (the original matched by hostname and made a new asset on every rename).
 */
import { z } from 'zod';
import { isIP } from 'node:net';
import { toInstant } from '../domain/index.js';
import type { SyncJobName } from '../domain/index.js';
import {
  apiRoot,
  DEFAULT_RETRY,
  sameOrigin,
  vendorJson,
  VendorError,
  type RetryPolicy,
  type VendorHttpDeps,
} from './http.js';
import type { ExtAsset, ExtSiteLink, FetchContext, SyncEvent, SyncProvider } from './provider.js';

export interface DattoOptions {
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  accountVariable: string;
  deviceTypeUdf: string;
  backupUdf: string;
  /** UDFs holding secrets: `udf2` → `bitlocker_key`. */
  secretUdfs: Readonly<Record<string, string>>;
  http: VendorHttpDeps;
  retry?: RetryPolicy;
}

const pageDetails = z.object({ nextPageUrl: z.string().nullish() }).nullish();
const siteSchema = z.object({ uid: z.string().min(1), name: z.string() });
const variableSchema = z.object({ name: z.string(), value: z.union([z.string(), z.number()]).nullish() });
const deviceSchema = z.object({
  uid: z.string().min(1),
  hostname: z.string().min(1),
  siteUid: z.string().nullish(),
  siteName: z.string().nullish(),
  deviceType: z.object({ category: z.string().nullish(), type: z.string().nullish() }).nullish(),
  operatingSystem: z.string().nullish(),
  intIpAddress: z.string().nullish(),
  extIpAddress: z.string().nullish(),
  online: z.boolean().nullish(),
  deleted: z.boolean().nullish(),
  lastSeen: z.union([z.number(), z.string()]).nullish(),
  lastReboot: z.union([z.number(), z.string()]).nullish(),
  lastAuditDate: z.union([z.number(), z.string()]).nullish(),
  lastLoggedInUser: z.string().nullish(),
  domain: z.string().nullish(),
  description: z.string().nullish(),
  portalUrl: z.string().nullish(),
  webRemoteUrl: z.string().nullish(),
  antivirus: z.object({ antivirusProduct: z.string().nullish() }).nullish(),
  patchManagement: z.object({ patchStatus: z.string().nullish() }).nullish(),
  udf: z.record(z.string(), z.string().nullish()).nullish(),
});

/** An IP address, or null for anything else (Datto sometimes sends "" or lists). */
function ip(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return isIP(trimmed) === 0 ? null : trimmed;
}

/** A device as an asset: declared type from a UDF, backup bytes from another, secrets apart. */
export function mapDevice(
  raw: z.infer<typeof deviceSchema>,
  siteUid: string,
  options: Pick<DattoOptions, 'deviceTypeUdf' | 'backupUdf' | 'secretUdfs'>,
): ExtAsset {
  const udfs: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.udf ?? {})) {
    if (value === null || value === undefined || value.trim() === '') continue;
    const secretKind = options.secretUdfs[name];
    if (secretKind !== undefined) secrets[secretKind] = value.trim();
    else udfs[name] = value;
  }
  const backup = udfs[options.backupUdf]?.trim();
  return {
    externalId: raw.uid,
    companyExternalId: siteUid,
    hostname: raw.hostname.trim(),
    category: raw.deviceType?.category ?? null,
    subtype: raw.deviceType?.type ?? null,
    declaredType: udfs[options.deviceTypeUdf]?.trim() ?? null,
    operatingSystem: raw.operatingSystem ?? null,
    intIp: ip(raw.intIpAddress),
    extIp: ip(raw.extIpAddress),
    online: raw.online ?? false,
    lastSeen: toInstant(raw.lastSeen),
    lastReboot: toInstant(raw.lastReboot),
    lastAudit: toInstant(raw.lastAuditDate),
    patchStatus: raw.patchManagement?.patchStatus ?? null,
    backupUsageBytes: backup !== undefined && /^\d{1,18}$/.test(backup) ? Number(backup) : null,
    antivirusProduct: raw.antivirus?.antivirusProduct ?? null,
    lastLoggedInUser: raw.lastLoggedInUser ?? null,
    domain: raw.domain ?? null,
    siteName: raw.siteName ?? null,
    description: raw.description ?? null,
    portalUrl: raw.portalUrl ?? null,
    remoteUrl: raw.webRemoteUrl ?? null,
    udfs,
    secrets,
  };
}

/** Builds the adapter. */
export function createDattoProvider(options: DattoOptions): SyncProvider {
  // Datto prints its base with `/api`; the token endpoint lives beside it, so every path starts at the origin.
  const base = apiRoot(options.apiUrl);
  const retry = options.retry ?? DEFAULT_RETRY;
  let token: { value: string; expiresAt: number } | undefined;

  async function accessToken(signal: AbortSignal): Promise<string> {
    if (token !== undefined && token.expiresAt > options.http.now()) return token.value;
    const { body } = await vendorJson(
      options.http,
      retry,
      `${base}/auth/oauth/token`,
      () => ({
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('public-client:public').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'password',
          username: options.apiKey,
          password: options.apiSecret,
        }).toString(),
      }),
      signal,
    );
    const parsed = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() }).safeParse(body);
    if (!parsed.success) throw new VendorError('Datto: the token answer has no access_token');
    // Renew a minute early; Datto's tokens last 100 hours.
    token = {
      value: parsed.data.access_token,
      expiresAt: options.http.now() + ((parsed.data.expires_in ?? 360_000) - 60) * 1000,
    };
    return token.value;
  }

  async function getJson(url: string, signal: AbortSignal): Promise<unknown> {
    const send = async () =>
      vendorJson(
        options.http,
        retry,
        url,
        () => ({ headers: { authorization: `Bearer ${token?.value ?? ''}`, accept: 'application/json' } }),
        signal,
      );
    await accessToken(signal);
    try {
      return (await send()).body;
    } catch (error) {
      if (!(error instanceof VendorError) || error.status !== 401) throw error;
      token = undefined; // expired or revoked: one fresh token, one more try
      await accessToken(signal);
      return (await send()).body;
    }
  }

  /** Every page of a Datto list. */
  async function* pages<S extends z.ZodType>(
    path: string,
    key: string,
    schema: S,
    signal: AbortSignal,
  ): AsyncGenerator<z.output<S>[]> {
    let url: string | undefined = sameOrigin(`${base}/api/v2${path}`, base);
    while (url !== undefined) {
      const body = (await getJson(url, signal)) as Record<string, unknown> | null;
      const list = body?.[key];
      if (!Array.isArray(list)) throw new VendorError(`Datto ${path}: the answer has no "${key}" list`);
      yield list.map((item, index) => {
        const parsed = schema.safeParse(item);
        if (!parsed.success)
          throw new VendorError(
            `Datto ${path}: item ${index + 1} is not as documented (${parsed.error.issues[0]?.path.join('.') ?? '?'})`,
          );
        return parsed.data;
      });
      const next = pageDetails.safeParse(body?.pageDetails).data?.nextPageUrl;
      url = next ? sameOrigin(next, base) : undefined;
    }
  }

  async function* events(context: FetchContext): AsyncGenerator<SyncEvent> {
    const sites: ExtSiteLink[] = [];
    for await (const page of pages('/account/sites', 'sites', siteSchema, context.signal)) {
      for (const site of page) {
        let accountNumber: string | null = null;
        for await (const variables of pages(
          `/site/${encodeURIComponent(site.uid)}/variables`,
          'variables',
          variableSchema,
          context.signal,
        )) {
          const found = variables.find((variable) => variable.name === options.accountVariable)?.value;
          if (found !== undefined && found !== null && String(found).trim() !== '')
            accountNumber = String(found).trim();
        }
        if (accountNumber === null)
          yield {
            kind: 'warning',
            message: `Datto site "${site.name}" has no ${options.accountVariable} variable; its devices are not imported`,
          };
        sites.push({ externalId: site.uid, name: site.name, accountNumber });
      }
      yield { kind: 'sites', items: sites.slice(-page.length) };
    }
    yield { kind: 'complete', collection: 'sites' };
    // Devices of an untagged site would be placed nowhere; they are not fetched (and so are archived).
    for (const site of sites.filter((entry) => entry.accountNumber !== null)) {
      for await (const page of pages(
        `/site/${encodeURIComponent(site.externalId)}/devices`,
        'devices',
        deviceSchema,
        context.signal,
      )) {
        const live = page.filter((device) => device.deleted !== true);
        yield { kind: 'assets', items: live.map((device) => mapDevice(device, site.externalId, options)) };
      }
    }
    yield { kind: 'complete', collection: 'assets' };
  }

  return {
    name: 'datto',
    jobs: ['datto'],
    fetch(job: SyncJobName, context: FetchContext): AsyncIterable<SyncEvent> {
      if (job !== 'datto') throw new VendorError(`Datto does not serve the ${job} job`);
      return events(context);
    },
  };
}
