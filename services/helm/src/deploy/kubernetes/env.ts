/**
 * Each service's variables in a cluster, from the same generator as its env file on one machine
 * (`buildServiceEnv`), rewritten for Kubernetes: services reach each other by their Service's
 * name, listen on every address of their pod, keep their runtime state in the pod's own volume,
 * and reach PostgreSQL and Redis by URL; they ship their logs to helm, which runs in external
 * mode there. Variables holding a secret go to the service's Secret, the rest to its ConfigMap.
 */
import type { AppDefinition } from '../../registry/index.js';
import { buildServiceEnv, activeApps } from '../../generate/index.js';
import type { GenerationContext } from '../../generate/index.js';

/** Where a pod keeps what a service writes (an emptyDir: nothing in it outlives the pod). */
export const STATE_DIR = '/var/lib/hivematrix';
/** Where the shared services table (ConfigMap `hivematrix-services`) is mounted. */
export const SERVICES_FILE = '/etc/hivematrix/services.json';
/** Where core's table of service-secret hashes (Secret `core-files`) is mounted. */
export const SERVICE_SECRETS_FILE = '/etc/hivematrix/core/service-secrets.json';

/** What the cluster provides besides the platform's own services. */
export interface ClusterSettings {
  /** PostgreSQL as `host:port` for databases the master configuration keeps embedded. */
  databaseHost: string;
  /** Redis for shared sessions, revocations and rate limits when the configuration names none. */
  redisUrl: string;
  /** Addresses allowed to send X-Forwarded-* (the pod network the gateway runs in). */
  trustedProxies: string;
}

export const DEFAULT_CLUSTER: ClusterSettings = {
  databaseHost: 'postgresql:5432',
  redisUrl: 'redis://redis:6379',
  trustedProxies: '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16',
};

/** A service's variables split by where they go. */
export interface ClusterEnv {
  config: Record<string, string>;
  secret: Record<string, string>;
}

/** Names whose value is a credential (or carries one, as a database, mail-server or webhook URL does). */
const SECRET_NAME =
  /(SECRET|PASSWORD|PASSPHRASE|TOKEN|PRIVATE|_KEY$|_KEY_|DATABASE_URL|REDIS_URL|SMTP_URL|WEBHOOK_URL|API_KEY)/;

/** True when `name` holds a secret: it goes to a Secret, never a ConfigMap. */
export function isSecretVariable(name: string): boolean {
  // A path to a file of secrets is not itself one (the file comes from a Secret volume).
  return SECRET_NAME.test(name) && !/_(FILE|DIR)$/.test(name);
}

/**
 * Rewrites the loopback URLs of the platform's services to their Service names. `localhost` is
 * left alone: it is how the public URL names a machine, never how helm names a service.
 */
export function clusterUrlRewriter(context: GenerationContext): (value: string) => string {
  const apps = activeApps(context);
  return (value) => {
    let result = value;
    for (const app of apps) {
      for (const host of ['127.0.0.1', '[::1]']) {
        result = result.replaceAll(`://${host}:${app.port}`, `://${app.name}:${app.port}`);
      }
    }
    return result;
  };
}

/** The database URL with the cluster's PostgreSQL in place of the embedded server. */
function clusterDatabaseUrl(value: string, context: GenerationContext, cluster: ClusterSettings): string {
  if (context.config.databases.mode === 'external') return value;
  const url = new URL(value);
  const [host, port] = cluster.databaseHost.split(':');
  url.hostname = host ?? 'postgresql';
  url.port = port ?? '5432';
  return url.toString();
}

/** What Kubernetes's pods are managed by, as helm names it in its console and its 409 answers. */
export const MANAGED_BY = 'Kubernetes';

/**
 * Helm's own variables in a cluster: external mode (it starts no process, watches the services'
 * /health at their Service names from services.json) and the master configuration's alert
 * settings, which helm reads from the environment in that mode.
 */
function externalHelmVariables(context: GenerationContext): [string, string][] {
  const { alerts } = context.config;
  const optional: [string, string | undefined][] = [
    ['ALERT_WEBHOOK_URL', alerts.webhook_url],
    ['ALERT_SMTP_URL', alerts.smtp_url],
    ['ALERT_EMAIL_TO', alerts.email_to],
    ['ALERT_EMAIL_FROM', alerts.email_from],
  ];
  return [
    ['HELM_MODE', 'external'],
    ['HELM_MANAGED_BY', MANAGED_BY],
    ['ALERT_DOWN_AFTER_S', String(alerts.down_after_s)],
    ...optional.filter((entry): entry is [string, string] => entry[1] !== undefined),
  ];
}

/** The variables of `app` in a cluster. */
export function clusterServiceEnv(
  app: AppDefinition,
  context: GenerationContext,
  cluster: ClusterSettings = DEFAULT_CLUSTER,
): ClusterEnv {
  const rewrite = clusterUrlRewriter(context);
  const { paths } = context;
  const entries = new Map<string, string>();
  for (const [name, value] of buildServiceEnv(app, context)) {
    // Every service ships its logs to helm's Service, as on one machine; helm keeps its own in its pod's output.
    if (name === 'HELM_SERVICE_URL' && app.name === 'helm') continue;
    entries.set(name, value);
  }
  if (app.name === 'helm') for (const [name, value] of externalHelmVariables(context)) entries.set(name, value);
  entries.set('HOST', '0.0.0.0');
  entries.set('TRUSTED_PROXIES', cluster.trustedProxies);
  entries.set('HIVEMATRIX_INSTANCE_DIR', STATE_DIR);
  entries.set('SERVICES_FILE', SERVICES_FILE);
  if (entries.has('SERVICE_SECRETS_FILE')) entries.set('SERVICE_SECRETS_FILE', SERVICE_SECRETS_FILE);
  // Keys live in core's database; a key folder of this machine means nothing in a pod.
  entries.delete('KEYS_DIR');
  // Back-channel logout goes to the gateway's public URL, served by the Ingress with a certificate
  // from a public CA: none of the one-machine shortcuts (loopback address, its self-signed file).
  for (const name of ['IDENTITY_BACKCHANNEL_CONNECT_ADDRESS', 'IDENTITY_BACKCHANNEL_CA_FILE']) entries.delete(name);
  if (entries.has('IDENTITY_BACKCHANNEL_INSECURE_LOCAL')) entries.set('IDENTITY_BACKCHANNEL_INSECURE_LOCAL', 'false');
  // Files of this machine do not exist in a pod: the gateway makes its own certificate for the
  // Ingress to talk to (the public one is the Ingress's, Secret hivematrix-tls).
  for (const name of ['TLS_CERT_FILE', 'TLS_KEY_FILE']) entries.delete(name);
  // Several instances share through Redis: core and nexus their sessions and revocations, every
  // service its rate limits. Helm runs as one pod and keeps its own.
  if (app.name !== 'helm') entries.set('REDIS_URL', context.config.redis.url ?? cluster.redisUrl);
  const database = entries.get('DATABASE_URL');
  if (database !== undefined) entries.set('DATABASE_URL', clusterDatabaseUrl(database, context, cluster));

  const result: ClusterEnv = { config: {}, secret: {} };
  for (const [name, raw] of entries) {
    // Files the services write under the instance folder land in the pod's state volume.
    const value = rewrite(raw.startsWith(paths.instance) ? `${STATE_DIR}${raw.slice(paths.instance.length)}` : raw);
    if (isSecretVariable(name)) result.secret[name] = value;
    else result.config[name] = value;
  }
  return result;
}
