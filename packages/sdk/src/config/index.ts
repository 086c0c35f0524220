/** Configuration: typed, documented environment variables that fail fast at boot. */
export {
  ConfigError,
  describeConfig,
  formatConfigHelp,
  isSecretName,
  loadConfig,
  type ConfigIssue,
  type ConfigVariable,
  type LoadConfigOptions,
} from './load-config.js';
export {
  LOG_LEVELS,
  baseServiceEnv,
  envValue,
  servicePort,
  zBoolean,
  zCsv,
  zCsvOf,
  zDurationMs,
  zHttpUrl,
  zLogLevel,
  zPort,
  zServiceName,
  zUrl,
  type LogLevel,
} from './base-schema.js';
