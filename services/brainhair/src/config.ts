/**
 * The brainhair service's configuration: the shared service variables plus its own (the other
 * services' addresses, the model provider, limits). This is the only file of the service that
 * reads the environment; the model's API key is read from a 0600 file named here, never from a
 * variable, so it cannot leak into a process listing or a logged environment.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { baseServiceEnv, ConfigError, loadConfig, servicePort } from '@hivematrix/sdk';
import { databaseEnv } from '@hivematrix/sdk/db';

export const SERVICE_NAME = 'brainhair';
export const DEFAULT_PORT = 5050;

export const PROVIDERS = ['none', 'openai-compatible', 'openai', 'anthropic'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const brainhairEnvSchema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(DEFAULT_PORT),
  ...databaseEnv,
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(500)
    .describe('Requests allowed per user or calling service per minute'),
  CODEX_SERVICE_URL: z
    .url()
    .default('http://127.0.0.1:5010')
    .describe('Base URL of codex (services.json wins behind helm)'),
  LEDGER_SERVICE_URL: z
    .url()
    .default('http://127.0.0.1:5030')
    .describe('Base URL of ledger (services.json wins behind helm)'),
  KNOWLEDGETREE_SERVICE_URL: z
    .url()
    .default('http://127.0.0.1:5020')
    .describe('Base URL of knowledgetree (services.json wins behind helm)'),
  BRAINHAIR_MODEL_PROVIDER: z
    .enum(PROVIDERS)
    .default('none')
    .describe('none (search mode), openai-compatible (Ollama, vLLM, LM Studio), openai or anthropic'),
  BRAINHAIR_MODEL: z.string().trim().max(200).default('').describe('The model name the provider knows'),
  BRAINHAIR_MODEL_BASE_URL: z
    .url()
    .optional()
    .describe("The provider's base URL (required for openai-compatible, e.g. http://127.0.0.1:11434/v1)"),
  BRAINHAIR_MODEL_KEY_FILE: z.string().optional().describe("Path of a file (mode 0600) holding the provider's API key"),
  BRAINHAIR_MAX_STEPS: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .default(6)
    .describe('Model steps (tool rounds) per answer'),
  BRAINHAIR_DAILY_TOKENS: z.coerce
    .number()
    .int()
    .min(0)
    .default(200_000)
    .describe('Tokens (input + output) each user may spend per day; 0 = no model use'),
  BRAINHAIR_DAILY_TOOL_CALLS: z.coerce
    .number()
    .int()
    .min(0)
    .default(300)
    .describe('Tool calls each user may make per day'),
  BRAINHAIR_APPROVAL_TTL_SEC: z.coerce
    .number()
    .int()
    .min(30)
    .max(86_400)
    .default(900)
    .describe('Seconds an approval request stays open'),
  BRAINHAIR_COST_PER_MTOK_IN: z.coerce
    .number()
    .min(0)
    .default(0)
    .describe('Cost (in your currency) per million input tokens, for the usage page'),
  BRAINHAIR_COST_PER_MTOK_OUT: z.coerce
    .number()
    .min(0)
    .default(0)
    .describe('Cost per million output tokens, for the usage page'),
  BRAINHAIR_TOOL_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(120_000)
    .default(15_000)
    .describe('Timeout of one call to another service'),
});

export type BrainhairConfig = z.infer<typeof brainhairEnvSchema>;

/** Where runtime state lives: `HIVEMATRIX_INSTANCE_DIR`, else `instance/` at the repository root. */
function instanceDirFrom(env: Record<string, string | undefined>): string {
  return env.HIVEMATRIX_INSTANCE_DIR ?? path.resolve(import.meta.dirname, '../../../instance');
}

/**
 * Reads the configuration from the environment and `instance/brainhair/.env` (the environment
 * wins). Throws a ConfigError naming every bad variable at once.
 */
export function loadBrainhairConfig(env: Record<string, string | undefined>): BrainhairConfig {
  const instanceDir = instanceDirFrom(env);
  const config = loadConfig(brainhairEnvSchema, {
    env: { SERVICE_NAME, ...env },
    envFile: path.join(instanceDir, SERVICE_NAME, '.env'),
  });
  const problems: { variable: string; message: string }[] = [];
  if (config.BRAINHAIR_MODEL_PROVIDER !== 'none' && config.BRAINHAIR_MODEL === '')
    problems.push({ variable: 'BRAINHAIR_MODEL', message: 'required when a provider is set' });
  if (config.BRAINHAIR_MODEL_PROVIDER === 'openai-compatible' && config.BRAINHAIR_MODEL_BASE_URL === undefined)
    problems.push({ variable: 'BRAINHAIR_MODEL_BASE_URL', message: 'required for openai-compatible' });
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The API key from its file: refused when the file is readable by group or others (it must be
 * 0600 or stricter). The message names the file, never its content.
 */
export function readModelKey(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new ConfigError([{ variable: 'BRAINHAIR_MODEL_KEY_FILE', message: `cannot read ${file}` }]);
  }
  if ((mode & 0o077) !== 0)
    throw new ConfigError([
      {
        variable: 'BRAINHAIR_MODEL_KEY_FILE',
        message: `${file} must be mode 0600 (it is ${(mode & 0o777).toString(8)})`,
      },
    ]);
  const key = readFileSync(file, 'utf8').trim();
  if (key === '') throw new ConfigError([{ variable: 'BRAINHAIR_MODEL_KEY_FILE', message: `${file} is empty` }]);
  return key;
}
