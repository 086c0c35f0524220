/**
 * The fields of the master configuration the console edits, and the translation between the
 * form (one input per field, named by its path: `system.hostname`) and the configuration.
 * Secrets, database credentials and per-app settings are not edited here: they are generated,
 * and shown masked.
 */
import { LOG_LEVELS } from '@hivematrix/sdk';
import type { MasterConfig } from './schema.js';

/** One editable field. */
export interface SettingField {
  /** `section.key`, also the form field's name and the validation issue's path. */
  name: string;
  label: string;
  kind: 'text' | 'number' | 'select' | 'boolean';
  options?: readonly string[];
  /** May be left empty (the key is then removed, so its derived default applies). */
  optional?: boolean;
  hint?: string;
}

/** The editable fields, grouped by section. */
export const SETTING_SECTIONS: readonly { title: string; fields: readonly SettingField[] }[] = [
  {
    title: 'System',
    fields: [
      { name: 'system.hostname', label: 'Hostname', kind: 'text' },
      {
        name: 'system.public_url',
        label: 'Public URL',
        kind: 'text',
        optional: true,
        hint: 'Empty: https://<hostname>:<gateway port>.',
      },
      { name: 'system.environment', label: 'Environment', kind: 'select', options: ['development', 'production'] },
      { name: 'system.log_level', label: 'Log level', kind: 'select', options: LOG_LEVELS },
      { name: 'system.timezone', label: 'Time zone', kind: 'text' },
      {
        name: 'system.tls_cert_file',
        label: 'TLS certificate file (PEM)',
        kind: 'text',
        optional: true,
        hint: 'Empty: a self-signed certificate.',
      },
      { name: 'system.tls_key_file', label: 'TLS key file (PEM)', kind: 'text', optional: true },
      { name: 'system.log_retention_days', label: 'Log retention (days)', kind: 'number' },
      { name: 'system.log_max_rows', label: 'Most log entries kept', kind: 'number' },
      { name: 'system.log_store_max_bytes', label: 'Most bytes of log entries kept', kind: 'number' },
      { name: 'system.metrics_interval_s', label: 'Metrics sampling interval (s)', kind: 'number' },
      { name: 'system.metrics_retention_days', label: 'Metrics retention (days)', kind: 'number' },
    ],
  },
  {
    title: 'Identity provider',
    fields: [
      { name: 'keycloak.mode', label: 'Mode', kind: 'select', options: ['embedded', 'external'] },
      { name: 'keycloak.realm', label: 'Realm', kind: 'text' },
      {
        name: 'keycloak.issuer',
        label: 'Issuer',
        kind: 'text',
        optional: true,
        hint: 'Empty: derived from the public URL.',
      },
      { name: 'keycloak.upstream_url', label: 'Upstream URL', kind: 'text' },
      { name: 'keycloak.internal_url', label: 'Internal realm URL', kind: 'text', optional: true },
      { name: 'keycloak.admin_client_id', label: 'Admin client id', kind: 'text' },
      { name: 'keycloak.login_max_failures', label: 'Failed logins before lockout', kind: 'number' },
      { name: 'keycloak.login_lockout_minutes', label: 'Lockout (minutes)', kind: 'number' },
    ],
  },
  {
    title: 'Redis',
    fields: [
      {
        name: 'redis.url',
        label: 'Redis URL',
        kind: 'text',
        optional: true,
        hint: 'Empty: sessions in memory (one instance of core and nexus).',
      },
    ],
  },
  {
    title: 'Supervisor',
    fields: [
      { name: 'supervisor.start_timeout_s', label: 'Start timeout (s)', kind: 'number' },
      { name: 'supervisor.ready_timeout_s', label: 'Ready timeout (s)', kind: 'number' },
      { name: 'supervisor.stop_grace_s', label: 'Stop grace (s)', kind: 'number' },
      { name: 'supervisor.max_crashes', label: 'Crashes before failed', kind: 'number' },
      { name: 'supervisor.crash_window_s', label: 'Crash window (s)', kind: 'number' },
      { name: 'supervisor.backoff_initial_ms', label: 'First restart delay (ms)', kind: 'number' },
      { name: 'supervisor.backoff_max_ms', label: 'Longest restart delay (ms)', kind: 'number' },
      { name: 'supervisor.health_interval_s', label: 'Health check interval (s)', kind: 'number' },
      { name: 'supervisor.log_max_bytes', label: 'Log file size before rotation (bytes)', kind: 'number' },
      { name: 'supervisor.log_keep', label: 'Rotated log files kept', kind: 'number' },
    ],
  },
  {
    title: 'Alerts',
    fields: [
      {
        name: 'alerts.webhook_url',
        label: 'Webhook URL',
        kind: 'text',
        optional: true,
        hint: 'Alerts are posted here as JSON when they open and resolve (its "text" suits Slack, Mattermost and similar incoming webhooks). Empty: shown on the alerts page and logged only.',
      },
      { name: 'alerts.down_after_s', label: 'Alert when a service is down for (s)', kind: 'number' },
      {
        name: 'alerts.email_to',
        label: 'E-mail alerts to',
        kind: 'text',
        optional: true,
        hint: 'Addresses, comma-separated. Needs alerts.smtp_url (smtp:// or smtps://, with the account) in the master configuration.',
      },
      {
        name: 'alerts.email_from',
        label: 'E-mail sender',
        kind: 'text',
        optional: true,
        hint: 'Empty: hivematrix@<public hostname>.',
      },
    ],
  },
  {
    title: 'Scheduled backups',
    fields: [
      { name: 'backups.schedule', label: 'Back up every day', kind: 'boolean' },
      { name: 'backups.hour_utc', label: 'After this hour (UTC)', kind: 'number' },
      { name: 'backups.keep_daily', label: 'Daily backups kept', kind: 'number' },
      { name: 'backups.keep_weekly', label: 'Weekly backups kept', kind: 'number' },
      { name: 'backups.keep_monthly', label: 'Monthly backups kept', kind: 'number' },
      {
        name: 'backups.encrypt',
        label: 'Encrypt scheduled backups',
        kind: 'boolean',
        hint: 'With age and the passphrase file below. Off: plain tar.gz files holding every secret (the audit rates that high when they are copied off this machine).',
      },
      {
        name: 'backups.passphrase_file',
        label: 'Passphrase file',
        kind: 'text',
        optional: true,
        hint: 'A file (mode 600) holding the passphrase scheduled backups are encrypted with; relative to the instance folder or absolute. Keep a copy of the passphrase off this machine. Empty: secrets/backup-passphrase, generated at the first start.',
      },
      {
        name: 'backups.copy_to',
        label: 'Copy every backup to',
        kind: 'text',
        optional: true,
        hint: 'A folder on another disk or a network mount; scheduled copies are pruned with the local ones. Empty: backups stay in instance/backups only.',
      },
    ],
  },
];

export const SETTING_FIELDS: readonly SettingField[] = SETTING_SECTIONS.flatMap((section) => section.fields);

function split(name: string): [string, string] {
  const [section = '', key = ''] = name.split('.');
  return [section, key];
}

/** The field's current value as the form shows it ('' when unset). */
export function fieldValue(config: MasterConfig, field: SettingField): string {
  const [section, key] = split(field.name);
  const value = (config as unknown as Record<string, Record<string, unknown> | undefined>)[section]?.[key];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/**
 * `config` with the form's values applied: numbers parsed (a non-number is kept as text so the
 * schema names the field), empty optional fields removed. Fields missing from the form are kept.
 */
export function applyForm(
  config: MasterConfig,
  form: Record<string, unknown>,
): Record<string, Record<string, unknown>> {
  const draft = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  for (const field of SETTING_FIELDS) {
    const raw = form[field.name];
    if (typeof raw !== 'string') continue;
    const [section, key] = split(field.name);
    const target = (draft[section] ??= {});
    const text = raw.trim();
    if (text === '' && field.optional === true) delete target[key];
    else if (field.kind === 'number') target[key] = text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    else if (field.kind === 'boolean') target[key] = text === 'true' ? true : text === 'false' ? false : text;
    else target[key] = text;
  }
  return draft;
}

/** The names of the fields whose value differs between two configurations. */
export function changedFields(before: MasterConfig, after: MasterConfig): string[] {
  return SETTING_FIELDS.filter((field) => fieldValue(before, field) !== fieldValue(after, field)).map(
    (field) => field.name,
  );
}

// A webhook URL usually carries its own credential in the path.
const SECRET_KEY = /secret|password|passphrase|token|webhook/i;

/** The configuration with every secret replaced by a mask, for display. */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && SECRET_KEY.test(key)) return '••••••••';
  // A database URL may carry its password.
  if (typeof value === 'string') return value.replace(/(\/\/[^:/@\s]+:)[^@\s]+@/, '$1••••••••@');
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  // An app's extra variables often hold API keys: every value is masked.
  if (key === 'env' && typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.keys(value).map((name) => [name, '••••••••']));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, maskSecrets(item, name)]));
  return value;
}
