/**
 * The assistant's (brainhair's) model settings on the settings page: provider, model, base URL
 * and the API key. They live in the master configuration as brainhair's own variables
 * (`apps.brainhair.env`), so saving regenerates brainhair's env file like every other setting
 * and names brainhair for a restart; nothing in the generator is special to the assistant.
 *
 * The key is write-only. The form never shows it; a typed key is written to
 * `secrets/brainhair-model-key` (mode 0600) and only that file's path goes into the
 * configuration and the env file (BRAINHAIR_MODEL_KEY_FILE), which brainhair reads and refuses
 * when group or others can read it. No message here ever holds the key.
 */
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { MasterConfig } from './schema.js';

/** The app whose variables these are. */
export const ASSISTANT_APP = 'brainhair';

/** The same list as brainhair's config (services cannot import each other's source). */
export const ASSISTANT_PROVIDERS = ['none', 'openai-compatible', 'openai', 'anthropic'] as const;
export type AssistantProvider = (typeof ASSISTANT_PROVIDERS)[number];

/** The variables brainhair reads (services/brainhair/src/config.ts). */
export const ASSISTANT_VARIABLES = {
  provider: 'BRAINHAIR_MODEL_PROVIDER',
  model: 'BRAINHAIR_MODEL',
  baseUrl: 'BRAINHAIR_MODEL_BASE_URL',
  keyFile: 'BRAINHAIR_MODEL_KEY_FILE',
} as const;

/** The form's field names. */
export const ASSISTANT_FIELDS = {
  provider: 'assistant.provider',
  model: 'assistant.model',
  baseUrl: 'assistant.base_url',
  apiKey: 'assistant.api_key',
  removeKey: 'assistant.remove_key',
} as const;

/** What the page shows: never the key, only whether there is one and where. */
export interface AssistantView {
  provider: AssistantProvider;
  model: string;
  baseUrl: string;
  keyFile: string | undefined;
}

/** The key file helm writes. */
export function assistantKeyFile(secretsDir: string): string {
  return path.join(secretsDir, 'brainhair-model-key');
}

/** Whether the configuration has the assistant at all (the registry may not list it). */
export function hasAssistant(config: MasterConfig): boolean {
  return config.apps[ASSISTANT_APP] !== undefined;
}

/** The assistant's current settings. */
export function assistantView(config: MasterConfig): AssistantView {
  const env = config.apps[ASSISTANT_APP]?.env ?? {};
  const provider = ASSISTANT_PROVIDERS.find((name) => name === env[ASSISTANT_VARIABLES.provider]) ?? 'none';
  return {
    provider,
    model: env[ASSISTANT_VARIABLES.model] ?? '',
    baseUrl: env[ASSISTANT_VARIABLES.baseUrl] ?? '',
    keyFile: env[ASSISTANT_VARIABLES.keyFile],
  };
}

// The provider's key: one line of printable characters; the message never repeats the value.
const apiKey = z
  .string()
  .max(4096, 'at most 4096 characters')
  .regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');
const baseUrl = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(2048);
const model = z
  .string()
  .max(200, 'at most 200 characters')
  .regex(/^[^\r\n]*$/, 'a single line');

/** The form read and checked: what to store, and the key to write (if one was typed). */
export interface AssistantChange {
  view: AssistantView;
  /** A new key to write to the key file; undefined: keep (or remove) the stored one. */
  newKey: string | undefined;
  removeKey: boolean;
}

/**
 * Reads the assistant's part of `form` against the current settings. Undefined when the form has
 * none of its fields (a form from before, or a script saving other settings). The rules are
 * brainhair's own (a model for every provider, a base URL for openai-compatible), plus a key for
 * the hosted providers, so brainhair does not refuse to start after a save the page accepted.
 */
export function readAssistantForm(
  current: AssistantView,
  form: Record<string, unknown>,
  keyFile: string,
): { change: AssistantChange | undefined; errors: Record<string, string> } {
  const text = (name: string): string | undefined => (typeof form[name] === 'string' ? form[name].trim() : undefined);
  const provider = text(ASSISTANT_FIELDS.provider);
  if (provider === undefined) return { change: undefined, errors: {} };
  const errors: Record<string, string> = {};
  const chosen = ASSISTANT_PROVIDERS.find((name) => name === provider);
  if (chosen === undefined) errors[ASSISTANT_FIELDS.provider] = `one of ${ASSISTANT_PROVIDERS.join(', ')}`;

  const modelText = text(ASSISTANT_FIELDS.model) ?? current.model;
  const modelCheck = model.safeParse(modelText);
  if (!modelCheck.success) errors[ASSISTANT_FIELDS.model] = modelCheck.error.issues[0]?.message ?? 'invalid';
  else if (chosen !== undefined && chosen !== 'none' && modelText === '')
    errors[ASSISTANT_FIELDS.model] = 'required when a provider is chosen';

  const baseText = text(ASSISTANT_FIELDS.baseUrl) ?? current.baseUrl;
  if (baseText !== '') {
    const baseCheck = baseUrl.safeParse(baseText);
    if (!baseCheck.success) errors[ASSISTANT_FIELDS.baseUrl] = baseCheck.error.issues[0]?.message ?? 'invalid';
  } else if (chosen === 'openai-compatible') {
    errors[ASSISTANT_FIELDS.baseUrl] = 'required for openai-compatible (e.g. http://127.0.0.1:11434/v1 for Ollama)';
  }

  const keyText = text(ASSISTANT_FIELDS.apiKey) ?? '';
  const removeKey = text(ASSISTANT_FIELDS.removeKey) === 'true' && keyText === '';
  let newKey: string | undefined;
  if (keyText !== '') {
    const keyCheck = apiKey.safeParse(keyText);
    if (keyCheck.success) newKey = keyText;
    else errors[ASSISTANT_FIELDS.apiKey] = keyCheck.error.issues[0]?.message ?? 'invalid';
  }
  const keyAfter = newKey !== undefined ? keyFile : removeKey ? undefined : current.keyFile;
  if (
    (chosen === 'openai' || chosen === 'anthropic') &&
    keyAfter === undefined &&
    errors[ASSISTANT_FIELDS.apiKey] === undefined
  ) {
    errors[ASSISTANT_FIELDS.apiKey] = `${chosen} needs an API key`;
  }
  if (Object.keys(errors).length > 0 || chosen === undefined) return { change: undefined, errors };
  return {
    change: { view: { provider: chosen, model: modelText, baseUrl: baseText, keyFile: keyAfter }, newKey, removeKey },
    errors,
  };
}

/**
 * `draft` (a configuration being edited) with the assistant's variables set. An empty value (and
 * the provider `none`) removes the variable, so brainhair's default applies and a save that
 * changes nothing leaves its env file, and so brainhair, alone.
 */
export function applyAssistant(draft: Record<string, Record<string, unknown>>, view: AssistantView): void {
  const apps = draft.apps as Record<string, { env?: Record<string, string> }> | undefined;
  const app = apps?.[ASSISTANT_APP];
  if (app === undefined) return;
  const env = { ...(app.env ?? {}) };
  const set = (name: string, value: string | undefined): void => {
    if (value === undefined || value === '') delete env[name];
    else env[name] = value;
  };
  set(ASSISTANT_VARIABLES.provider, view.provider === 'none' ? undefined : view.provider);
  set(ASSISTANT_VARIABLES.model, view.model);
  set(ASSISTANT_VARIABLES.baseUrl, view.baseUrl);
  set(ASSISTANT_VARIABLES.keyFile, view.keyFile);
  app.env = env;
}

/** The names of the assistant's settings that differ; the key counts when it is replaced or removed. */
export function assistantChanges(before: AssistantView, change: AssistantChange): string[] {
  const after = change.view;
  const changed: string[] = [];
  if (before.provider !== after.provider) changed.push(ASSISTANT_FIELDS.provider);
  if (before.model !== after.model) changed.push(ASSISTANT_FIELDS.model);
  if (before.baseUrl !== after.baseUrl) changed.push(ASSISTANT_FIELDS.baseUrl);
  if (change.newKey !== undefined || (change.removeKey && before.keyFile !== undefined))
    changed.push(ASSISTANT_FIELDS.apiKey);
  return changed;
}

/** Writes the key atomically with mode 0600 (a temp file beside it, then a rename). */
export async function writeAssistantKey(file: string, key: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${key}\n`, { mode: 0o600 });
  // The mode given to writeFile is masked by the umask; chmod is not.
  await chmod(temp, 0o600);
  await rename(temp, file);
}

/** Removes helm's key file (a file the operator named elsewhere is theirs, and left alone). */
export async function removeAssistantKey(file: string): Promise<void> {
  await rm(file, { force: true });
}
