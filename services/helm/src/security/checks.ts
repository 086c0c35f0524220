/**
 * The checks of the security audit, each from the registry and the instance folder (nothing is a
 * hard-coded list of services): bound addresses, secrets readable by others, the gateway's
 * certificate, the first admin password still on disk, identity provider settings, firewall,
 * scheduled backups.
 */
import { X509Certificate } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedPlatform } from '../generate/index.js';
import { isLoopback, type Listener } from './listeners.js';
import { passphraseFile, scheduledPassphrase } from '../backup/index.js';
import type { Finding } from './findings.js';

/** The one service allowed to listen beyond loopback. */
export const GATEWAY = 'nexus';

/** Every registry app's port bound beyond loopback, other than the gateway's, is high. */
export function checkPorts(loaded: LoadedPlatform, listeners: readonly Listener[]): Finding[] {
  const findings: Finding[] = [];
  for (const app of loaded.platform.apps) {
    if (app.name === GATEWAY) continue;
    const exposed = listeners.filter((listener) => listener.port === app.port && !isLoopback(listener.address));
    for (const listener of exposed) {
      findings.push({
        check: 'ports',
        severity: 'high',
        title: `${app.name} listens on ${listener.address}:${app.port}`,
        detail: `Only ${GATEWAY} may be reachable from the network; ${app.name} (port ${app.port}) answers on ${listener.address}, so anyone who reaches this host bypasses the gateway's login.`,
        fix: `Set HOST=127.0.0.1 for ${app.name} (run \`hivematrix apply\` to regenerate its env file) and restart it; block port ${app.port} in the firewall (see the scripts below).`,
      });
    }
  }
  return findings;
}

/** Files holding secrets: env files, keys, the master configuration, secret and password files. */
const SECRET_NAME = /(^\.env$|\.key$|\.pem$|secret|password|master_config\.json$|^private)/i;
const SECRET_DIRS = new Set(['keys', 'secrets']);
/** Public material (certificates, public keys, a JWKS) may be readable by anyone. */
const PUBLIC_NAME = /(\.crt$|\.pub$|public|jwks)/i;
/** Folders that hold no secrets helm wrote (the database cluster checks its own modes). */
const SKIPPED = new Set(['postgres', 'logs', 'backups', 'apps', 'node_modules']);

/** Secrets files under instance/ that the group or others can read (or write): high. */
export async function checkSecrets(instance: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const walk = async (dir: string, depth: number, secretDir: boolean): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < 4 && !SKIPPED.has(entry.name))
          await walk(full, depth + 1, secretDir || SECRET_DIRS.has(entry.name));
        continue;
      }
      if (!entry.isFile() || !(secretDir || SECRET_NAME.test(entry.name)) || PUBLIC_NAME.test(entry.name)) continue;
      const mode = (await stat(full)).mode & 0o777;
      if ((mode & 0o077) === 0) continue;
      findings.push({
        check: 'secrets',
        severity: 'high',
        title: `${path.relative(instance, full)} is readable by other users`,
        detail: `Mode ${mode.toString(8).padStart(4, '0')}: accounts other than the platform's can read this secret.`,
        fix: `chmod 600 '${full}'`,
      });
    }
  };
  await walk(instance, 0, false);
  return findings;
}

const DAY_MS = 86_400_000;

/** The gateway's certificate: expired or unreadable is high, under 14 days medium, 30 days low. */
export async function checkCertificate(loaded: LoadedPlatform, now: Date): Promise<Finding[]> {
  const file = loaded.config.system.tls_cert_file ?? path.join(loaded.paths.certsDir, 'nexus.crt');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && loaded.config.system.tls_cert_file === undefined)
      return [];
    return [
      {
        check: 'certificate',
        severity: 'high',
        title: 'The gateway certificate cannot be read',
        detail: `${file}: ${error instanceof Error ? error.message : String(error)}`,
        fix: 'Point system.tls_cert_file at a valid PEM certificate, or remove it to let nexus generate one.',
      },
    ];
  }
  const days = Math.floor((Date.parse(certificate.validTo) - now.getTime()) / DAY_MS);
  const fix =
    loaded.config.system.tls_cert_file === undefined
      ? 'Restart nexus: it makes its generated certificate again when it expires within 30 days.'
      : 'Renew the certificate (e.g. `certbot renew`) and restart nexus.';
  if (days < 0)
    return [
      {
        check: 'certificate',
        severity: 'high',
        title: 'The gateway certificate has expired',
        detail: `${file} expired on ${certificate.validTo}.`,
        fix,
      },
    ];
  if (days < 30) {
    return [
      {
        check: 'certificate',
        severity: days < 14 ? 'medium' : 'low',
        title: `The gateway certificate expires in ${days} days`,
        detail: `${file} is valid until ${certificate.validTo}.`,
        fix,
      },
    ];
  }
  return [];
}

/** The first admin password still on disk: medium (it is the default password until changed). */
export async function checkAdminPassword(loaded: LoadedPlatform): Promise<Finding[]> {
  try {
    await stat(loaded.paths.adminPasswordFile);
  } catch {
    return [];
  }
  return [
    {
      check: 'admin_password',
      severity: 'medium',
      title: 'The generated admin password file is still present',
      detail: `${loaded.paths.adminPasswordFile} holds the first admin password; while it exists the password is likely unchanged and readable by anyone with the operator's account.`,
      fix: 'Log in as admin, change the password, then delete the file.',
    },
  ];
}

/** Identity provider and public URL settings that expose tokens or passwords. */
export function checkIdentity(loaded: LoadedPlatform): Finding[] {
  const findings: Finding[] = [];
  const { derived } = loaded.context;
  if (!derived.publicUrl.startsWith('https://')) {
    findings.push({
      check: 'identity',
      severity: 'high',
      title: 'The public URL is not HTTPS',
      detail: `${derived.publicUrl}: logins and tokens cross the network in clear text.`,
      fix: 'Set system.public_url to an https:// URL and give nexus a certificate.',
    });
  }
  if (!derived.issuer.startsWith('https://')) {
    findings.push({
      check: 'identity',
      severity: 'high',
      title: 'The identity issuer is not HTTPS',
      detail: `${derived.issuer}: browsers send passwords to it in clear text.`,
      fix: 'Set keycloak.issuer to an https:// URL.',
    });
  }
  if (loaded.config.system.environment !== 'production') {
    findings.push({
      check: 'identity',
      severity: 'low',
      title: 'The platform runs in development mode',
      detail: `system.environment is ${loaded.config.system.environment}.`,
      fix: 'Set system.environment to "production" on a server reachable by others.',
    });
  }
  return findings;
}

/** No firewall enabled (ufw's configuration says so): medium, since bound addresses are the only guard. */
export async function checkFirewall(ufwConf: string): Promise<Finding[]> {
  let text = '';
  try {
    text = await readFile(ufwConf, 'utf8');
  } catch {
    // No ufw: iptables may still be in use; we cannot tell without root, so say so softly.
  }
  if (/^\s*ENABLED\s*=\s*yes\s*$/m.test(text)) return [];
  return [
    {
      check: 'firewall',
      severity: text === '' ? 'low' : 'medium',
      title: text === '' ? 'No ufw firewall found' : 'The ufw firewall is disabled',
      detail: 'Without a firewall, a service bound to a public address by mistake is reachable from the network.',
      fix: 'Run the ufw (or iptables) script below as root; it allows SSH first, so it cannot lock you out.',
    },
  ];
}

/**
 * Scheduled backups: off is medium (nothing to restore after a disk loss); a passphrase file that
 * stops them (missing, readable by others, too short) is high; unencrypted while copied off the
 * machine (`backups.copy_to`) is high (every secret and all client data, readable by whoever
 * holds the copy), unencrypted and local is low (0600 in a 0700 folder), and so is no copy
 * elsewhere.
 */
export async function checkBackups(loaded: LoadedPlatform): Promise<Finding[]> {
  const settings = loaded.config.backups;
  if (!settings.schedule) {
    return [
      {
        check: 'backups',
        severity: 'medium',
        title: 'Scheduled backups are off',
        detail: 'backups.schedule is false: only backups made by hand exist.',
        fix: 'Turn on "Back up every day" in the settings, or run `hivematrix backup` from cron.',
      },
    ];
  }
  try {
    await scheduledPassphrase(settings, loaded.paths.instance);
  } catch (error) {
    return [
      {
        check: 'backups',
        severity: 'high',
        title: 'Scheduled backups cannot be made',
        detail: error instanceof Error ? error.message : String(error),
        fix:
          settings.passphrase_file === undefined
            ? `Restart helm: it generates ${passphraseFile(settings, loaded.paths.instance) ?? 'the passphrase file'} at start (or set backups.passphrase_file to a file of your own, mode 600, at least 8 characters).`
            : 'Fix the passphrase file named by backups.passphrase_file (mode 600, at least 8 characters), or clear that setting to use a generated one.',
      },
    ];
  }
  const findings: Finding[] = [];
  if (!settings.encrypt && settings.copy_to !== undefined) {
    findings.push({
      check: 'backups',
      severity: 'high',
      title: 'Unencrypted backups are copied off this machine',
      detail: `backups.encrypt is off and every backup is copied to ${settings.copy_to}: each holds every secret of the platform and all client data, readable by whoever can read that folder or the disk or share behind it.`,
      fix: 'Turn "Encrypt scheduled backups" back on in the settings (helm generates a passphrase file at its next start), and keep a copy of the passphrase off this machine.',
    });
  } else if (!settings.encrypt) {
    findings.push({
      check: 'backups',
      severity: 'low',
      title: 'Scheduled backups are not encrypted',
      detail:
        'Each backup holds every secret of the platform and all client data; copied off this machine, it is readable by whoever holds the copy.',
      fix: 'Turn "Encrypt scheduled backups" back on in the settings, and keep a copy of the passphrase off this machine.',
    });
  }
  if (settings.copy_to === undefined) {
    findings.push({
      check: 'backups',
      severity: 'low',
      title: 'Backups stay on this machine',
      detail: 'A disk failure or a lost server takes the backups with it.',
      fix: 'Set backups.copy_to in the settings to a folder on another disk or a network mount.',
    });
  }
  return findings;
}
