/** Logging: the platform's JSON log format, correlation ids, and shipping records to helm. */
export {
  REDACTED_PATHS,
  createLogger,
  createLoggerOptions,
  type LoggerSettings,
  type PlatformLoggerOptions,
} from './logger.js';
export {
  CORRELATION_HEADER,
  correlationFastifyOptions,
  correlationIdFrom,
  correlationPlugin,
  type CorrelationFastifyOptions,
} from './correlation.js';
export {
  createLogDestination,
  createLogShipper,
  type LogShipper,
  type LogShipperOptions,
  type LogShipperStats,
} from './shipper.js';
export { HELM_MESSAGE_LIMIT, toHelmEntry, type HelmLogEntry } from './helm-entry.js';
export { HELM_LEVELS, LEVEL_TABLE, helmLevel, logLevelOf, severityOf, type HelmLevel } from './levels.js';
