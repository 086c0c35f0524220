/**
 * Where helm keeps things. Everything runtime lives under the instance folder (ignored by git);
 * one function names every path so no module invents its own.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository root and the instance folder, plus every path derived from them. */
export interface HelmPaths {
  root: string;
  instance: string;
  /** apps_registry.json at the repository root. */
  registry: string;
  /** The optional folder of apps installed from elsewhere (`hivematrix install`). */
  appsDir: string;
  configsDir: string;
  masterConfig: string;
  servicesFile: string;
  masterServicesFile: string;
  /** Hashes of the files helm generated last, to tell a hand-edited file apart. */
  generatedIndex: string;
  secretsDir: string;
  adminPasswordFile: string;
  keysDir: string;
  certsDir: string;
  postgresDir: string;
  logsDir: string;
  runDir: string;
  pidFile: string;
  /** The control socket the CLI talks to the daemon through. */
  socket: string;
  /** The service processes of the running daemon, so a successor can clean up after a crash. */
  childrenFile: string;
  backupsDir: string;
  serviceDir: (service: string) => string;
  envFile: (service: string) => string;
  confFile: (service: string) => string;
  logFile: (service: string) => string;
  serviceSecretsFile: string;
}

/**
 * A Unix socket path must fit in `sun_path` (108 bytes on Linux, 104 on macOS). A deep instance
 * folder gets its socket in the temp folder instead, under a name derived from the instance path,
 * so the CLI and the daemon find the same one without any pointer file.
 */
export function socketPath(runDir: string, instance: string): string {
  const preferred = path.join(runDir, 'helm.sock');
  if (Buffer.byteLength(preferred) < 100) return preferred;
  const digest = createHash('sha256').update(path.resolve(instance)).digest('hex').slice(0, 16);
  return path.join(tmpdir(), `hivematrix-${digest}.sock`);
}

/** Builds every path from the repository root, the instance folder and the apps folder. */
export function helmPaths(root: string, instance: string, appsDir?: string): HelmPaths {
  const configsDir = path.join(instance, 'configs');
  const runDir = path.join(instance, 'run');
  const secretsDir = path.join(instance, 'secrets');
  return {
    root,
    instance,
    registry: path.join(root, 'apps_registry.json'),
    appsDir: appsDir ?? path.join(instance, 'apps'),
    configsDir,
    masterConfig: path.join(configsDir, 'master_config.json'),
    servicesFile: path.join(instance, 'services.json'),
    masterServicesFile: path.join(instance, 'master_services.json'),
    generatedIndex: path.join(configsDir, '.generated.json'),
    secretsDir,
    adminPasswordFile: path.join(secretsDir, 'admin-password'),
    keysDir: path.join(instance, 'keys'),
    certsDir: path.join(instance, 'certs'),
    postgresDir: path.join(instance, 'postgres'),
    logsDir: path.join(instance, 'logs'),
    runDir,
    pidFile: path.join(runDir, 'helm.pid'),
    socket: socketPath(runDir, instance),
    childrenFile: path.join(runDir, 'children.json'),
    backupsDir: path.join(instance, 'backups'),
    serviceDir: (service) => path.join(instance, service),
    envFile: (service) => path.join(instance, service, '.env'),
    confFile: (service) => path.join(instance, service, `${service}.conf`),
    logFile: (service) => path.join(instance, 'logs', `${service}.log`),
    serviceSecretsFile: path.join(instance, 'core', 'service-secrets.json'),
  };
}
