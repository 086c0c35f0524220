/** Alerts: when a condition becomes one (pure rules), the monitor that judges the services, e-mail and webhook delivery. */
export { AlertMonitor } from './monitor.js';
export { BACKUP_ALERT_KEY, backupFailedAlert } from './rules.js';
