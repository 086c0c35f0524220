/**
 * Loads a service's configuration from the environment and its generated env file, through one
 * zod schema whose keys are the variable names. Boot fails fast: every missing or invalid
 * variable is reported at once (not the first one, then the next on the following boot), and the
 * value of a variable whose name looks secret is never printed.
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';

/** One bad variable: its name and why it was rejected (secret values already left out). */
export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Thrown by `loadConfig`; the message lists every bad variable, one per line. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], heading = 'Invalid configuration') {
    const lines = issues.map((issue) => `  ${issue.variable}: ${issue.message}`);
    super([`${heading} (${issues.length} problem${issues.length === 1 ? '' : 's'}):`, ...lines].join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export interface LoadConfigOptions {
  /** The variables to read; the caller passes `process.env`. They win over the env file. */
  env: Record<string, string | undefined>;
  /** The service's generated env file (`instance/<service>/.env`); a missing file is fine. */
  envFile?: string | undefined;
}

const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL|PRIVATE/i;

/** Whether a variable's value must never be printed, judged by its name. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Reads the env file; a file that does not exist gives no variables, any other failure
 * (permissions, a directory) is a ConfigError, since silently ignoring it would boot with defaults.
 */
function readEnvFile(file: string): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return {};
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      [{ variable: file, message: `cannot read the env file: ${reason}` }],
      'Invalid configuration file',
    );
  }
  return parseEnv(text);
}

/** Shows a rejected value: quoted, shortened, and with any password inside a URL masked. */
function showValue(raw: string): string {
  let shown = raw;
  if (URL.canParse(raw)) {
    const url = new URL(raw);
    if (url.password !== '') {
      url.password = '***';
      shown = url.href;
    }
  }
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  return JSON.stringify(shown);
}

function describeIssue(
  variable: string,
  raw: string | undefined,
  messages: string[],
  description: string | undefined,
): string {
  if (raw === undefined) {
    return description === undefined ? 'required but not set' : `required but not set (${description})`;
  }
  let why = [...new Set(messages)].join('; ');
  if (isSecretName(variable)) {
    // Belt and braces: a custom refine might have quoted the value in its message.
    if (raw !== '') why = why.replaceAll(raw, '<hidden>');
    return `${why} (value hidden)`;
  }
  return `${why}, got ${showValue(raw)}`;
}

/**
 * Parses the configuration described by `schema` (keys are variable names) from `env` and the
 * optional env file, `env` winning. An empty value counts as unset, so `FOO=` in the file or the
 * environment falls back to the default. Returns the typed result, or throws a ConfigError
 * naming every missing or invalid variable.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, options: LoadConfigOptions): z.output<S> {
  const fromFile = options.envFile === undefined ? {} : readEnvFile(options.envFile);
  const input: Record<string, string | undefined> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = options.env[name] ?? fromFile[name];
    input[name] = value === '' ? undefined : value;
  }

  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const byVariable = new Map<string, string[]>();
  for (const issue of result.error.issues) {
    const variable = typeof issue.path[0] === 'string' ? issue.path[0] : '(configuration)';
    byVariable.set(variable, [...(byVariable.get(variable) ?? []), issue.message]);
  }
  const issues = [...byVariable].map(([variable, messages]) => {
    const field = schema.shape[variable] as z.ZodType | undefined;
    const description = field === undefined ? undefined : fieldInfo(field).description;
    return { variable, message: describeIssue(variable, input[variable], messages, description) };
  });
  throw new ConfigError(issues);
}

/** What `describeConfig` tells about one variable. */
export interface ConfigVariable {
  name: string;
  description: string | undefined;
  required: boolean;
  /** The default as it would be written in the environment, e.g. `127.0.0.1,::1`. */
  default: string | undefined;
  secret: boolean;
}

function showDefault(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Walks the wrappers (default, optional, pipe) of one field for its description and default. */
function fieldInfo(field: z.ZodType): { description: string | undefined; default: unknown } {
  let description: string | undefined;
  let defaultValue: unknown;
  let current: z.ZodType | undefined = field;
  for (let depth = 0; current !== undefined && depth < 10; depth += 1) {
    description ??= current.description;
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
      defaultValue ??= current.def.defaultValue;
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      current = undefined;
    }
  }
  return { description, default: defaultValue };
}

/** Lists the variables of a config schema with their descriptions and defaults (docs, `--help`). */
export function describeConfig(schema: z.ZodObject): ConfigVariable[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const info = fieldInfo(field as z.ZodType);
    const secret = isSecretName(name);
    return {
      name,
      description: info.description,
      required: !(field as z.ZodType).safeParse(undefined).success,
      default: info.default === undefined || secret ? undefined : showDefault(info.default),
      secret,
    };
  });
}

/** The variables as text, one per line: `NAME (required|default X) description`. */
export function formatConfigHelp(schema: z.ZodObject): string {
  return describeConfig(schema)
    .map((variable) => {
      const when = variable.required
        ? 'required'
        : variable.default === undefined
          ? 'optional'
          : `default ${variable.default}`;
      return `${variable.name} (${when})${variable.description === undefined ? '' : `  ${variable.description}`}`;
    })
    .join('\n');
}
