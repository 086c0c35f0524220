/**
 * What an admin enters for each vendor on the integrations page: its address, the credentials
 * (sealed at rest, never shown again, only replaced), the settings that are not secret, and a
 * schedule per job. One description per vendor drives the form, its validation and the sync.
 */
import { createHash, hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { JOB_PROVIDER, SYNC_JOBS, type ProviderName, type SyncJobName } from './sync-jobs.js';
import { keyringFrom, type SecretKeyring } from './secret-box.js';

export interface IntegrationField {
  name: string;
  label: string;
  hint: string;
}

export interface IntegrationKind {
  provider: ProviderName;
  label: string;
  urlLabel: string;
  urlExample: string;
  /** Sealed; the page never shows them, a new value replaces the old one. */
  secrets: readonly IntegrationField[];
  /** Stored in the clear and shown (SuperOps' subdomain names the tenant, it opens nothing). */
  settings: readonly IntegrationField[];
}

export const INTEGRATION_KINDS: Readonly<Record<ProviderName, IntegrationKind>> = {
  freshservice: {
    provider: 'freshservice',
    label: 'Freshservice',
    urlLabel: 'Freshservice address',
    urlExample: 'https://yourcompany.freshservice.com',
    secrets: [{ name: 'apiKey', label: 'API key', hint: 'Profile settings → API key in Freshservice' }],
    settings: [],
  },
  datto: {
    provider: 'datto',
    label: 'Datto RMM',
    urlLabel: 'Datto RMM API URL',
    urlExample: 'https://pinotage-api.centrastage.net',
    secrets: [
      { name: 'apiKey', label: 'API key', hint: 'Setup → Users → your API user → API key' },
      { name: 'apiSecret', label: 'API secret key', hint: 'Shown once when the key is generated' },
    ],
    settings: [],
  },
  superops: {
    provider: 'superops',
    label: 'SuperOps',
    urlLabel: 'SuperOps GraphQL endpoint',
    urlExample: 'https://api.superops.ai/msp',
    secrets: [{ name: 'apiToken', label: 'API token', hint: 'Settings → API token in SuperOps' }],
    settings: [{ name: 'subdomain', label: 'Customer subdomain', hint: 'The first part of your SuperOps address' }],
  },
};

/** The jobs of one vendor, in page order. */
export function jobsOf(provider: ProviderName): SyncJobName[] {
  return SYNC_JOBS.filter((job) => JOB_PROVIDER[job] === provider);
}

/** Schedules an admin can choose, in milliseconds (0 = manual only). */
export const SCHEDULE_CHOICES: readonly { ms: number; label: string }[] = [
  { ms: 0, label: 'manual only' },
  { ms: 900_000, label: 'every 15 minutes' },
  { ms: 3_600_000, label: 'every hour' },
  { ms: 21_600_000, label: 'every 6 hours' },
  { ms: 86_400_000, label: 'every day' },
];

const httpsUrl = z
  .string()
  .trim()
  .min(1, { error: 'the address is required' })
  .max(500)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    error: 'must be an http(s) address such as https://yourcompany.freshservice.com',
  })
  .refine((value) => !URL.canParse(value) || (new URL(value).username === '' && new URL(value).password === ''), {
    error: 'must not hold credentials; enter them in their own fields',
  });

const secretValue = z.string().trim().min(4, { error: 'too short' }).max(500);
const settingValue = z
  .string()
  .trim()
  .min(1, { error: 'required' })
  .max(200)
  .regex(/^[A-Za-z0-9._-]+$/, { error: 'letters, digits, dot, dash or underscore' });

/** A connection: where the vendor is and how to sign in, as the adapters take it. */
export interface Connection {
  provider: ProviderName;
  baseUrl: string;
  settings: Record<string, string>;
  credentials: Record<string, string>;
}

/** A submitted integration form: credentials absent keep the stored ones. */
export interface IntegrationInput {
  provider: ProviderName;
  baseUrl: string;
  settings: Record<string, string>;
  credentials: Record<string, string> | undefined;
  schedule: Partial<Record<SyncJobName, number>>;
}

/**
 * Parses a submitted form (or JSON body) for `provider`. Credentials may be left empty when some
 * are stored (`hasStored`): empty means "keep", never "erase". Returns field errors by name.
 */
export function parseIntegrationInput(
  provider: ProviderName,
  body: Record<string, unknown>,
  hasStored: boolean,
): { ok: true; value: IntegrationInput } | { ok: false; errors: Record<string, string> } {
  const kind = INTEGRATION_KINDS[provider];
  const errors: Record<string, string> = {};
  const text = (name: string) => (typeof body[name] === 'string' ? body[name] : '');
  const url = httpsUrl.safeParse(text('baseUrl'));
  if (!url.success) errors.baseUrl = url.error.issues[0]?.message ?? 'invalid';
  const settings: Record<string, string> = {};
  for (const field of kind.settings) {
    const parsed = settingValue.safeParse(text(field.name));
    if (parsed.success) settings[field.name] = parsed.data;
    else errors[field.name] = parsed.error.issues[0]?.message ?? 'invalid';
  }
  const given = kind.secrets.filter((field) => text(field.name).trim() !== '');
  let credentials: Record<string, string> | undefined;
  if (given.length === 0 && hasStored) {
    credentials = undefined;
  } else {
    credentials = {};
    for (const field of kind.secrets) {
      const parsed = secretValue.safeParse(text(field.name));
      if (parsed.success) credentials[field.name] = parsed.data;
      else
        errors[field.name] = hasStored
          ? `${parsed.error.issues[0]?.message ?? 'invalid'} (to replace the credentials, enter every one of them)`
          : (parsed.error.issues[0]?.message ?? 'invalid');
    }
  }
  const schedule: Partial<Record<SyncJobName, number>> = {};
  for (const job of jobsOf(provider)) {
    const raw = text(`schedule_${job}`);
    if (raw === '') continue;
    const ms = Number(raw);
    // The listed choices, or the configuration's own interval (offered when it is not among them).
    if (!Number.isInteger(ms) || (ms !== 0 && (ms < 60_000 || ms > 30 * 86_400_000)))
      errors[`schedule_${job}`] = 'choose one of the listed schedules';
    else schedule[job] = ms;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { provider, baseUrl: url.data ?? '', settings, credentials, schedule } };
}

/** The associated data binding sealed credentials to their vendor. */
export function integrationContext(provider: ProviderName): Buffer {
  return Buffer.from(`codex:integration:${provider}`, 'utf8');
}

/**
 * The keys that seal integration credentials: `CODEX_SECRET_KEY` (and its former values) when
 * set; otherwise a key derived (HKDF-SHA256, RFC 5869) from the service secret helm generates for
 * codex, so a new installation can store credentials without another setting. The derived key
 * stays readable after a `CODEX_SECRET_KEY` is added later, and values are re-sealed with it.
 */
export function integrationKeyring(
  secretKey: Buffer | undefined,
  previous: readonly Buffer[],
  serviceSecret: string | undefined,
): SecretKeyring | undefined {
  const derived =
    serviceSecret === undefined
      ? undefined
      : Buffer.from(
          hkdfSync(
            'sha256',
            serviceSecret,
            createHash('sha256').update('codex').digest(),
            'codex integration credentials',
            32,
          ),
        );
  return keyringFrom(secretKey ?? derived, [...previous, ...(derived === undefined ? [] : [derived])]);
}
