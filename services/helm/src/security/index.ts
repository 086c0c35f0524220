/** The security audit (its checks, findings and the listening sockets it reads) and the firewall scripts. */
export { runSecurityAudit } from './audit.js';
export type { AuditHost } from './audit.js';
export { report } from './findings.js';
export type { AuditReport, Severity } from './findings.js';
export { iptablesScript, ufwScript } from './firewall.js';
