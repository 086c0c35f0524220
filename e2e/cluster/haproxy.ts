/**
 * HAProxy (Debian's package) in front of the cluster test's instances: one frontend per service on
 * the port services.json names (so every service reaches another through the balancer, as on
 * several machines), a backend of that service's instances health-checked on `/health/ready`, and the
 * runtime API on a Unix socket to read which servers it considers up.
 *
 * Retries: a connection refused or reset (an instance killed or closing its listener) is retried
 * on the other instance (`option redispatch 1`: every retry goes elsewhere). An idempotent request
 * whose server died before answering (`empty-response`), or that got a 502/503/504 from a gateway
 * behind, is replayed too; a non-idempotent one never is past the connection (retrying a POST
 * that may have been processed is not the balancer's call).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One backend server: an instance's name and port. */
export interface BackendServer {
  name: string;
  port: number;
}

/** A balanced service: where its frontend listens and its instances. */
export interface BalancedService {
  name: string;
  frontendPort: number;
  servers: readonly BackendServer[];
  /** TLS on both sides (nexus): the frontend terminates with `pem`, the backend re-encrypts. */
  tls?: { pem: string } | undefined;
}

/** The whole configuration text. */
export function haproxyConfig(services: readonly BalancedService[], socket: string): string {
  const lines = [
    'global',
    `  stats socket ${socket} mode 600 level admin`,
    '  maxconn 4096',
    // Self-signed certificates on the gateway's instances; the test does not check them.
    '  ssl-server-verify none',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-keep-alive 10s',
    // Event streams and upgraded connections stay open.
    '  timeout tunnel 1h',
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response 502 503 504',
    // In or out by the instance's own state, as the services' readiness endpoint reports it: out
    // when it does not answer, drains (SIGTERM) or cannot reach its own database; never because a
    // dependency is down (core restarting, a feed reconnecting): that is shared by both instances,
    // and taking both out for it would turn a degraded page into no page at all.
    '  option httpchk',
    '  http-check send meth GET uri /health/ready',
    '  http-check expect status 200',
    // Readiness pings only the instance's own database; on a busy machine that can still take a while.
    '  timeout check 3s',
    // Checked every second, every 250 ms while a server changes state or is down: two failures
    // take it out, two successes put it back. A connection refused or reset to live traffic
    // speeds its checks up at once (observe layer4).
    '  default-server inter 1s fastinter 250ms downinter 250ms fall 2 rise 2 observe layer4 error-limit 1 on-error fastinter',
    '',
  ];
  for (const service of services) {
    const bind = service.tls === undefined ? '' : ` ssl crt ${service.tls.pem}`;
    const serverTls = service.tls === undefined ? '' : ' ssl verify none';
    lines.push(
      `frontend fe_${service.name}`,
      `  bind 127.0.0.1:${service.frontendPort}${bind}`,
      `  default_backend be_${service.name}`,
      '',
      `backend be_${service.name}`,
      '  balance roundrobin',
      '  http-request disable-l7-retry if !METH_GET',
      ...service.servers.map((server) => `  server ${server.name} 127.0.0.1:${server.port} check${serverTls}`),
      '',
    );
  }
  return lines.join('\n');
}

/**
 * Starts HAProxy in the foreground (`-db`) on `configFile` and waits until its runtime API on
 * `socket` answers; its output goes to `log`. Throws with that output when it exits instead.
 */
export async function startHaproxy(
  configFile: string,
  socket: string,
  log: (chunk: string) => void,
): Promise<ChildProcess> {
  const child = spawn('haproxy', ['-db', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    log(chunk.toString());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`haproxy exited:\n${output}`);
    if (
      await runtimeCommand(socket, 'show info').then(
        () => true,
        () => false,
      )
    )
      return child;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`haproxy's runtime API does not answer on ${socket}:\n${output}`);
}

/** Sends one command to the runtime API and returns its answer. */
export function runtimeCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socket);
    let answer = '';
    connection.on('connect', () => connection.end(`${command}\n`));
    connection.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    connection.on('end', () => resolve(answer));
    connection.on('error', reject);
  });
}

/** Every server's status (`UP`, `DOWN`, `MAINT`, `UP 1/2`…), keyed `backend/server`. */
export async function serverStatuses(socket: string): Promise<Map<string, string>> {
  const csv = await runtimeCommand(socket, 'show stat');
  const [header, ...rows] = csv.split('\n').filter((line) => line.trim() !== '');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const px = columns.indexOf('pxname');
  const sv = columns.indexOf('svname');
  const status = columns.indexOf('status');
  const statuses = new Map<string, string>();
  for (const row of rows) {
    const cells = row.split(',');
    const server = cells[sv];
    if (server === undefined || server === 'FRONTEND' || server === 'BACKEND') continue;
    statuses.set(`${cells[px]}/${server}`, cells[status] ?? '');
  }
  return statuses;
}

/** Waits until HAProxy reports every server in `keys` (`be_x/a`) fully UP. */
export async function waitUp(socket: string, keys: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = new Map<string, string>();
  while (Date.now() < deadline) {
    last = await serverStatuses(socket).catch(() => new Map<string, string>());
    if (keys.every((key) => last.get(key) === 'UP')) return;
    await sleep(100);
  }
  throw new Error(
    `HAProxy does not see ${keys
      .filter((key) => last.get(key) !== 'UP')
      .map((key) => `${key} (${last.get(key) ?? 'absent'})`)
      .join(', ')} up after ${timeoutMs} ms`,
  );
}
