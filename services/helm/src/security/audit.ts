/** Runs every check of the security audit: at helm's start, from the console, and `hivematrix audit`. */
import type { LoadedPlatform } from '../generate/index.js';
import {
  checkAdminPassword,
  checkBackups,
  checkCertificate,
  checkFirewall,
  checkIdentity,
  checkPorts,
  checkSecrets,
} from './checks.js';
import { report, type AuditReport } from './findings.js';
import { readListeners } from './listeners.js';

/** Where the audit looks on the host (tests point these at files of their own). */
export interface AuditHost {
  procNetFiles?: readonly string[];
  ufwConf?: string;
  now?: () => Date;
}

/** The audit of `loaded`'s platform on this host. */
export async function runSecurityAudit(loaded: LoadedPlatform, host: AuditHost = {}): Promise<AuditReport> {
  const now = (host.now ?? (() => new Date()))();
  const listeners = await readListeners(host.procNetFiles);
  const findings = [
    ...checkPorts(loaded, listeners),
    ...(await checkSecrets(loaded.paths.instance)),
    ...(await checkCertificate(loaded, now)),
    ...(await checkAdminPassword(loaded)),
    ...checkIdentity(loaded),
    ...(await checkFirewall(host.ufwConf ?? '/etc/ufw/ufw.conf')),
    ...(await checkBackups(loaded)),
  ];
  return report(
    now,
    ['ports', 'secrets', 'certificate', 'admin_password', 'identity', 'firewall', 'backups'],
    findings,
  );
}
