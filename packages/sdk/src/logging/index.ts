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
export { helmLevel, toHelmEntry, type HelmLevel, type HelmLogEntry } from './helm-entry.js';
