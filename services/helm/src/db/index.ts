/** Helm's tables and its queries: logs and their histogram, metrics, alerts, the audit trail, setup steps. */
export {
  listAlerts,
  openAlert,
  openAlertCounts,
  openAlertKeys,
  pruneAlerts,
  recordDelivery,
  resolveAlert,
} from './alerts.js';
export type { AlertInput, AlertRow, AlertSeverity } from './alerts.js';
export { listAudit, recordAudit } from './audit.js';
export { logHistogram } from './log-histogram.js';
export type { LogHistogram } from './log-histogram.js';
export { decodeCursor, encodeCursor, LOG_LEVELS, queryLogs } from './log-query.js';
export type { LogFilter, LogLevel, LogPage } from './log-query.js';
export { enforceLogRetention, insertLogEntries } from './logs.js';
export type { HelmDb } from './logs.js';
export { insertSamples, latestSamples, pruneSamples, serviceSamples } from './metrics.js';
export type { MetricSample, NewMetricSample } from './metrics.js';
export { logEntries, schema } from './schema.js';
export type { AuditRow, LogEntryRow, NewLogEntry } from './schema.js';
export { markStep, readMarks, reopenStep } from './setup-steps.js';
export type { StepMark } from './setup-steps.js';
