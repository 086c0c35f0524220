/**
 * bench/gateway: what the gateway costs. In one run, requests per second and p50/p99 latency of a
 * small JSON answer fetched
 *   1. directly from the template service (`GET /api/data` with a bearer token: the real app, its
 *      token check and its database query of three notes) and through nexus with an
 *      authenticated session, over plain HTTP and HTTPS: the issue's target (nexus >= half the
 *      direct throughput);
 *   2. the same against a bare upstream that answers `{"ok":true}` with no work at all: the
 *      gateway's raw cost per request, the harshest comparison;
 *   3. through nginx as a plain reverse proxy of the bare upstream, over plain HTTP and over
 *      HTTPS, when /usr/sbin/nginx is installed.
 * The session is pre-seeded (the platform JWT is verified locally, no call to core on the path).
 * Then it prints the ratios. Fairness: every target gets the same connection count, keep-alive and
 * duration. On a small machine the load generator and the upstream compete for the same cores as
 * the proxy, so "proxy / direct" mixes the proxy's cost with that contention (the direct run has
 * one process fewer); "nexus / nginx" over the same transport is the like-for-like figure. The upstream, nexus and nginx each run in their own process so the load
 * generator (autocannon, in this process) does not share an event loop with them.
 *
 * Usage: npx tsx bench/gateway.ts [--duration 10] [--connections 32]
 * The template's database: TEST_DATABASE_URL's server when set, else an embedded PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const NGINX = '/usr/sbin/nginx';
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const role = args.find((arg) => arg.startsWith('--role='))?.slice('--role='.length);

/** Child role: the upstream, answering `{"ok":true}` to everything. */
async function runUpstream(): Promise<void> {
  const body = '{"ok":true}';
  const server = createHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
}

/**
 * Child role: the template service as it runs in production (its app, token verifier and
 * database), with three notes; prints its port, a user token and the keys that verify it.
 */
async function runTemplate(): Promise<void> {
  const { createLocalKeySet, createLogger, createTokenVerifier } = await import('@hivematrix/sdk');
  const { migrate, migrationsDir, openDatabase } = await import('@hivematrix/sdk/db');
  const { createTestDatabase, createTestKeys } = await import('@hivematrix/sdk/testing');
  const { buildApp } = await import('../services/template/src/app.js');
  const { templateEnvSchema } = await import('../services/template/src/config.js');
  const { addNote } = await import('../services/template/src/db/notes.js');
  const { schema } = await import('../services/template/src/db/schema.js');

  const keys = await createTestKeys();
  const token = await keys.mintUserToken({ permission_level: 'technician' }, { expiresInSec: 3600 });
  const testDb = await createTestDatabase('gateway_bench');
  const database = openDatabase({ url: testDb.url, applicationName: 'template-bench', schema, poolMax: 10 });
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../services/template/src/db/migrations') });
  for (const body of ['first note', 'second note', 'third note'])
    await addNote(database.db, { sub: 'bench', name: 'Bench' }, body, new Date());
  const config = templateEnvSchema.parse({
    SERVICE_NAME: 'template',
    LOG_LEVEL: 'fatal',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    DATABASE_URL: testDb.url,
  });
  const app = await buildApp({
    config,
    logger: createLogger({ service: 'template', level: 'fatal' }),
    db: database.db,
    ping: database.ping,
    verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'template' }),
    now: () => new Date(),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app
        .close()
        .then(() => database.close())
        .then(() => testDb.drop())
        .finally(() => process.exit(0));
    });
  }
  process.stdout.write(
    `${JSON.stringify({ port: (app.server.address() as AddressInfo).port, token, jwks: keys.jwks })}\n`,
  );
}

/**
 * Child role: nexus in front of the bare upstream (`/bench/`) and the template (`/template/`),
 * with one session already in its store, holding the template's user token.
 */
async function runNexus(upstreamPort: number, templatePort: number, plain: boolean): Promise<void> {
  const { createLocalKeySet, createLogger, createTokenVerifier, servicesFileSchema } = await import('@hivematrix/sdk');
  const { buildApp } = await import('../services/nexus/src/app.js');
  const { composePage, renderErrorPage } = await import('../services/nexus/src/compose/index.js');
  const { nexusEnvSchema } = await import('../services/nexus/src/config.js');
  const { createOidcClient } = await import('../services/nexus/src/auth/oidc.js');
  const { staticRegistry } = await import('../services/nexus/src/registry/live-registry.js');
  const { createMemoryStore } = await import('../services/nexus/src/session/memory-store.js');
  const { newOpaqueId, storeKey } = await import('../services/nexus/src/session/cookies.js');
  const { selfSignedCertificate } = await import('../services/nexus/src/tls.js');

  const { token, jwks } = JSON.parse(process.env.BENCH_TEMPLATE ?? '{}') as {
    token: string;
    jwks: Parameters<typeof createLocalKeySet>[0];
  };
  const verifier = createTokenVerifier({ keySet: createLocalKeySet(jwks), serviceName: 'nexus' });
  const principal = await verifier.verify(token);
  if (principal.kind !== 'user') throw new Error('not a user token');
  const store = createMemoryStore();
  const id = newOpaqueId();
  const now = Date.now();
  await store.setSession(
    storeKey(id),
    {
      token,
      user: principal.user,
      idToken: '',
      idpSid: null,
      idpSub: principal.user.sub,
      createdAt: now,
      lastSeenAt: now,
      prefs: { theme: 'light', accent: 'purple', sidebarCollapsed: false, homePage: null },
      prefsCheckedAt: 0,
    },
    3_600_000,
  );

  const config = nexusEnvSchema.parse({
    SERVICE_NAME: 'nexus',
    SERVICE_SECRET: 'bench-secret-bench-secret-bench-secret',
    OIDC_CLIENT_SECRET: 'unused',
    LOG_LEVEL: 'fatal',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    HSTS_MAX_AGE: '0',
  });
  const tls = await selfSignedCertificate(['127.0.0.1']);
  const unreachable = (): never => {
    throw new Error('the benchmark path must not call core');
  };
  const app = await buildApp({
    config,
    tls: plain ? null : tls,
    composer: { composePage, renderErrorPage },
    store,
    registry: staticRegistry(
      servicesFileSchema.parse({
        bench: { url: `http://127.0.0.1:${upstreamPort}`, port: upstreamPort, display_name: 'Bench' },
        template: { url: `http://127.0.0.1:${templatePort}`, port: templatePort, display_name: 'Template' },
      }),
    ),
    oidc: createOidcClient({
      issuer: config.IDENTITY_ISSUER,
      upstreamUrl: config.IDENTITY_UPSTREAM_URL,
      clientId: 'core-client',
      clientSecret: 'unused',
      redirectUri: 'https://localhost/keycloak-callback',
      postLogoutRedirectUri: 'https://localhost/',
    }),
    core: { exchange: unreachable, refresh: unreachable, revoke: unreachable, revokeIdentitySession: unreachable },
    verifier,
    isRevoked: () => false,
    assets: { files: new Map(), version: 'bench' },
    logger: createLogger({ service: 'nexus', level: 'fatal' }),
    now: Date.now,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
  process.stdout.write(
    `${JSON.stringify({ port, cookie: `__Host-hm_session=${id}`, key: tls.key, cert: tls.cert })}\n`,
  );
}

/** Starts this file in a child process with `role`; resolves with the JSON line it prints. */
async function child<T>(
  roleName: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ proc: ChildProcess; info: T }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, `--role=${roleName}`, ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const lines = createInterface({ input: proc.stdout });
  const info = await new Promise<T>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as T));
    proc.once('exit', (code) => reject(new Error(`${roleName} exited with ${code}`)));
  });
  return { proc, info };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts nginx as a plain reverse proxy to the upstream (one worker, keep-alive upstream), over
 * TLS on `port` and over plain HTTP on `httpPort`.
 */
async function startNginx(
  upstreamPort: number,
  key: string,
  cert: string,
): Promise<{ port: number; httpPort: number; pid: number; stop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hivematrix-bench-nginx-'));
  const port = await freePort();
  const httpPort = await freePort();
  await writeFile(path.join(dir, 'key.pem'), key, { mode: 0o600 });
  await writeFile(path.join(dir, 'cert.pem'), cert);
  const conf = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    keepalive_requests 100000;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:${httpPort};
    keepalive_requests 100000;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`;
  await writeFile(path.join(dir, 'nginx.conf'), conf);
  const proc = spawn(NGINX, ['-c', path.join(dir, 'nginx.conf'), '-p', dir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Wait until it accepts connections (nginx gives no readiness signal in the foreground).
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const ok = await new Promise<boolean>((resolve) => {
      const probe = connect(port, '127.0.0.1', () => {
        probe.destroy();
        resolve(true);
      });
      probe.on('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    httpPort,
    pid: proc.pid ?? 0,
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((resolve) => proc.once('exit', resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU time the measured hop's processes spent per request (µs): the server, or the proxy alone. */
  cpuUs: number;
}

/** The pid and its descendants (nginx's workers). */
function processTree(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  );
  return [pid, ...children.flatMap(processTree)];
}

/** User + system CPU seconds of the processes so far (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pids: number[]): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / ticksPerSecond;
}

/**
 * Loads `url`, then reports throughput and latency, and the CPU that `hop` (the processes of the
 * server or proxy under test) spent per request: a figure the machine's other load barely moves.
 */
async function measure(
  name: string,
  url: string,
  headers: Record<string, string>,
  duration: number,
  connections: number,
  hop: number,
): Promise<Figures> {
  // A short warm-up (JIT, TLS sessions, keep-alive pools), then the measured run.
  await autocannon({ url, headers, connections, duration: 2 });
  const pids = processTree(hop);
  const cpuBefore = cpuSeconds(pids);
  const result = await autocannon({ url, headers, connections, duration });
  const cpuUs = ((cpuSeconds(pids) - cpuBefore) / Math.max(1, result.requests.total)) * 1e6;
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuUs,
  };
}

async function main(): Promise<void> {
  const duration = option('duration', 10);
  const connections = option('connections', 32);
  const upstream = await child<{ port: number }>('upstream');
  const template = await child<{ port: number; token: string; jwks: unknown }>('template');
  const nexusArgs = [String(upstream.info.port), String(template.info.port)];
  const nexusEnv = {
    ...process.env,
    BENCH_TEMPLATE: JSON.stringify({ token: template.info.token, jwks: template.info.jwks }),
  };
  const nexus = await child<{ port: number; cookie: string; key: string; cert: string }>('nexus', nexusArgs, nexusEnv);
  const plainNexus = await child<{ port: number; cookie: string }>('nexus', [...nexusArgs, '--plain'], nexusEnv);
  const session = (cookie: string) => ({ cookie, accept: 'application/json' });
  const pidOf = (started: { proc: ChildProcess }): number => started.proc.pid ?? 0;
  const results: Figures[] = [];
  const bare: Figures[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  try {
    console.log(`autocannon: ${connections} connections, ${duration} s per target, loopback`);
    const bearer = { authorization: `Bearer ${template.info.token}`, accept: 'application/json' };
    results.push(
      await measure(
        'template direct (HTTP)',
        `http://127.0.0.1:${template.info.port}/api/data?limit=3`,
        bearer,
        duration,
        connections,
        pidOf(template),
      ),
    );
    results.push(
      await measure(
        'template via nexus (HTTP)',
        `http://127.0.0.1:${plainNexus.info.port}/template/api/data?limit=3`,
        session(plainNexus.info.cookie),
        duration,
        connections,
        pidOf(plainNexus),
      ),
    );
    results.push(
      await measure(
        'template via nexus (HTTPS)',
        `https://127.0.0.1:${nexus.info.port}/template/api/data?limit=3`,
        session(nexus.info.cookie),
        duration,
        connections,
        pidOf(nexus),
      ),
    );
    bare.push(
      await measure(
        'bare direct (HTTP)',
        `http://127.0.0.1:${upstream.info.port}/json`,
        {},
        duration,
        connections,
        pidOf(upstream),
      ),
    );
    bare.push(
      await measure(
        'bare via nexus (HTTP)',
        `http://127.0.0.1:${plainNexus.info.port}/bench/json`,
        session(plainNexus.info.cookie),
        duration,
        connections,
        pidOf(plainNexus),
      ),
    );
    bare.push(
      await measure(
        'bare via nexus (HTTPS)',
        `https://127.0.0.1:${nexus.info.port}/bench/json`,
        session(nexus.info.cookie),
        duration,
        connections,
        pidOf(nexus),
      ),
    );
    if (existsSync(NGINX)) {
      nginx = await startNginx(upstream.info.port, nexus.info.key, nexus.info.cert);
      bare.push(
        await measure(
          'bare via nginx (HTTP)',
          `http://127.0.0.1:${nginx.httpPort}/json`,
          {},
          duration,
          connections,
          nginx.pid,
        ),
      );
      bare.push(
        await measure(
          'bare via nginx (HTTPS)',
          `https://127.0.0.1:${nginx.port}/json`,
          {},
          duration,
          connections,
          nginx.pid,
        ),
      );
    } else {
      console.log(`note: ${NGINX} not found (Debian package "nginx"); the nginx comparison is skipped`);
    }
  } finally {
    await nginx?.stop();
    nexus.proc.kill('SIGTERM');
    plainNexus.proc.kill('SIGTERM');
    upstream.proc.kill('SIGTERM');
    template.proc.kill('SIGTERM');
    await new Promise((resolve) => template.proc.once('exit', resolve));
  }

  console.log('');
  console.log('target                        req/s     p50 ms   p99 ms   errors  non-2xx   hop CPU µs/req');
  for (const r of [...results, ...bare]) {
    console.log(
      `${r.name.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(9)} ${r.p99.toFixed(2).padStart(8)} ${String(r.errors).padStart(8)} ${String(r.non2xx).padStart(8)} ${r.cpuUs.toFixed(0).padStart(16)}`,
    );
  }
  console.log('(hop CPU: the server itself for direct rows; the proxy alone, not the upstream, for proxied rows)');
  const [direct, plain, through] = results;
  const [bareDirect, barePlain, bareThrough, plainNginx, viaNginx] = bare;
  const ratio = (a: Figures | undefined, b: Figures | undefined): string =>
    a === undefined || b === undefined ? 'n/a' : (a.rps / b.rps).toFixed(2);
  console.log('');
  console.log(`template: nexus HTTP  / direct: ${ratio(plain, direct)}  (target >= 0.50)`);
  console.log(`template: nexus HTTPS / direct: ${ratio(through, direct)}  (adds TLS, paid by the load generator too)`);
  console.log(
    `bare:     nexus HTTP  / direct: ${ratio(barePlain, bareDirect)}  (the gateway's raw cost against an upstream that does nothing)`,
  );
  console.log(`bare:     nexus HTTPS / direct: ${ratio(bareThrough, bareDirect)}`);
  console.log(
    `bare:     CPU per request: nexus ${barePlain?.cpuUs.toFixed(0) ?? 'n/a'} µs (HTTP), ${bareThrough?.cpuUs.toFixed(0) ?? 'n/a'} µs (HTTPS); the upstream answering directly ${bareDirect?.cpuUs.toFixed(0) ?? 'n/a'} µs`,
  );
  if (viaNginx !== undefined) {
    console.log(`bare:     nginx HTTP  / direct: ${ratio(plainNginx, bareDirect)}`);
    console.log(`bare:     nginx HTTPS / direct: ${ratio(viaNginx, bareDirect)}`);
    console.log(`bare:     nexus HTTP  / nginx HTTP:  ${ratio(barePlain, plainNginx)}  (same transport on both sides)`);
    console.log(`bare:     nexus HTTPS / nginx HTTPS: ${ratio(bareThrough, viaNginx)}  (same TLS on both sides)`);
    const cpuRatio = (a: Figures | undefined, b: Figures | undefined): string =>
      a === undefined || b === undefined ? 'n/a' : (a.cpuUs / b.cpuUs).toFixed(1);
    console.log(
      `proxy CPU per request, nexus / nginx: HTTP ${cpuRatio(barePlain, plainNginx)}×, HTTPS ${cpuRatio(bareThrough, viaNginx)}×`,
    );
  }
}

if (role === 'upstream') await runUpstream();
else if (role === 'template') await runTemplate();
else if (role === 'nexus') {
  const at = args.indexOf('--role=nexus');
  await runNexus(Number(args[at + 1]), Number(args[at + 2]), args.includes('--plain'));
} else await main();
