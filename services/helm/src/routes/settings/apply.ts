/**
 * Saving the master configuration from the console: validate with the configuration's schema,
 * write it atomically, regenerate every service's files, and work out which services run on an
 * outdated configuration (their generated env or conf file changed). Restarting them is a
 * separate, explicit step.
 */
import { AppError } from '@hivematrix/sdk';
import { recordAudit } from '../../db/index.js';
import type { HelmDb } from '../../db/index.js';
import { loadPlatform, syncAll, GeneratedWriter } from '../../generate/index.js';
import type { WriteResult } from '../../generate/index.js';
import type { HelmPaths } from '../../paths.js';
import {
  readMasterConfig,
  writeJsonAtomic,
  masterConfigSchema,
  applyForm,
  changedFields,
  applyAssistant,
  assistantChanges,
  ASSISTANT_FIELDS,
  assistantKeyFile,
  assistantView,
  ASSISTANT_APP,
  hasAssistant,
  readAssistantForm,
  removeAssistantKey,
  writeAssistantKey,
} from '../../settings/index.js';
import type { MasterConfig } from '../../settings/index.js';

/** What saving needs. */
export interface SettingsDeps {
  paths: HelmPaths;
  db: HelmDb;
  now: () => Date;
  /** Tells the daemon the configuration changed (it re-reads it); absent in tests. */
  reload?: () => Promise<void>;
}

/** A refused form: the message per field name. */
export class SettingsInvalid extends AppError {
  constructor(readonly fieldErrors: Record<string, string>) {
    super(
      'validation_failed',
      `Not saved: ${Object.entries(fieldErrors)
        .map(([name, message]) => `${name}: ${message}`)
        .join('; ')}`,
      {
        errors: Object.entries(fieldErrors).map(([path, message]) => ({ path, message })),
      },
    );
  }
}

/** The current configuration; 503 before the daemon has created it. */
export async function currentConfig(paths: HelmPaths): Promise<MasterConfig> {
  const config = await readMasterConfig(paths.masterConfig);
  if (config === undefined) throw new AppError('service_unavailable', 'There is no master configuration yet');
  return config;
}

/** The services whose generated files `results` changed (the shared tables concern the gateway and core). */
export function servicesToRestart(
  paths: HelmPaths,
  results: readonly WriteResult[],
  services: readonly string[],
): string[] {
  const affected = new Set<string>();
  for (const result of results) {
    if (result.status === 'unchanged') continue;
    const owner = services.find((name) => result.file === paths.envFile(name) || result.file === paths.confFile(name));
    if (owner !== undefined) affected.add(owner);
    else if (result.file === paths.serviceSecretsFile) affected.add('core');
    else if (result.file === paths.servicesFile || result.file === paths.masterServicesFile) affected.add('nexus');
  }
  return services.filter((name) => affected.has(name));
}

/** The outcome of a save. */
export interface SaveOutcome {
  changed: string[];
  restart: string[];
}

/** Validates and saves `form` over the current configuration, regenerates, and records it. */
export async function saveSettings(
  deps: SettingsDeps,
  actor: string,
  form: Record<string, unknown>,
): Promise<SaveOutcome> {
  const before = await currentConfig(deps.paths);
  const draft = applyForm(before, form);
  const keyFile = assistantKeyFile(deps.paths.secretsDir);
  const assistantBefore = assistantView(before);
  const assistant = hasAssistant(before)
    ? readAssistantForm(assistantBefore, form, keyFile)
    : { change: undefined, errors: {} };
  if (assistant.change !== undefined) applyAssistant(draft, assistant.change.view);
  const parsed = masterConfigSchema.safeParse(draft);
  if (!parsed.success || Object.keys(assistant.errors).length > 0) {
    const errors: Record<string, string> = { ...assistant.errors };
    for (const issue of parsed.success ? [] : parsed.error.issues) errors[issue.path.join('.')] ??= issue.message;
    throw new SettingsInvalid(errors);
  }
  const keyChange = assistant.change;
  const changed = [
    ...changedFields(before, parsed.data),
    ...(keyChange === undefined ? [] : assistantChanges(assistantBefore, keyChange)),
  ];
  try {
    // The key first: the configuration written next points at it.
    if (keyChange?.newKey !== undefined) await writeAssistantKey(keyFile, keyChange.newKey);
    await writeJsonAtomic(deps.paths.masterConfig, parsed.data);
    if (keyChange?.removeKey === true && assistantBefore.keyFile === keyFile) await removeAssistantKey(keyFile);
    const loaded = await loadPlatform(deps.paths);
    // Every replaced file is backed up under backups/config/, as `hivematrix config sync` does.
    const results = await syncAll(loaded, new GeneratedWriter(deps.paths, { backupAll: true }));
    const services = loaded.platform.apps.map((app) => app.name);
    const affected = new Set(servicesToRestart(deps.paths, results, services));
    // A replaced key keeps the same file, so the env file is unchanged, yet brainhair holds the old key.
    if (changed.includes(ASSISTANT_FIELDS.apiKey)) affected.add(ASSISTANT_APP);
    const restart = services.filter((name) => affected.has(name));
    await deps.reload?.();
    await recordAudit(deps.db, {
      at: deps.now(),
      actor,
      action: 'settings.save',
      target: 'master_config',
      result: 'success',
      detail: `changed: ${changed.join(', ') || 'nothing'}; to restart: ${restart.join(', ') || 'none'}`,
    });
    return { changed, restart };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    await recordAudit(deps.db, {
      at: deps.now(),
      actor,
      action: 'settings.save',
      target: 'master_config',
      result: 'failure',
      detail,
    });
    throw new AppError('conflict', `Saving the configuration or regenerating the services' files failed: ${detail}`);
  }
}
