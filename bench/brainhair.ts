/**
 * Brainhair's streaming through the gateway (issue 15): nexus (a signed-in session in its store)
 * in front of brainhair (on PostgreSQL) whose model is the scripted OpenAI-compatible server of
 * its tests. `--chats` (default 50) chats send a message at the same time and read the answer's
 * server-sent events; for each, the time from the model writing its first text chunk to that text
 * arriving at the client (target p95 < 100 ms through nexus). Brainhair and nexus each run in
 * their own child process, as they are deployed (`./start.sh` starts every service as a process):
 * in one process, nexus's hop would also wait for a turn of brainhair's event loop, which a burst
 * of 50 turns keeps busy for tens of milliseconds. The scripted model and the clients run in this
 * process, which takes both timestamps.
 *
 * One uncounted warm-up round per route first (the code paths are compiled then; it is printed),
 * then `--rounds` rounds (default 4) that alternate between the gateway and brainhair directly,
 * so both routes meet the same load on a shared machine and the gateway's share can be read off.
 * After each round: each process's heap after a full GC and RSS (memory stays bounded), the CPU
 * time both spent per answer, and the event-loop delay each saw (a process that was not given a
 * CPU shows it there). Uses `TEST_DATABASE_URL`'s server or an embedded PostgreSQL.
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { JSONWebKeySet } from 'jose';
import { request } from 'undici';

const { values: args } = parseArgs({
  options: {
    chats: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '4' },
    pieces: { type: 'string', default: '40' },
    role: { type: 'string', default: 'main' },
  },
});
const CHATS = Number(args.chats);
const ROUNDS = Number(args.rounds);
const PIECES = Number(args.pieces);

const mb = (bytes: number): string => (bytes / 1_048_576).toFixed(1);
// The CPU time per answer per route (declared before the top-level await below runs).
const cpuPerAnswer: Record<string, number[]> = {};

/** The stats line both child processes print on SIGUSR2 (after a full GC). */
interface Stats {
  heap: number;
  rss: number;
  running: number;
  cpuUs: number;
  /** Event-loop delay since the last reading, in ms. */
  loopP99: number;
  loopMax: number;
}

/** Answers SIGUSR2 with one `Stats` line on stdout. */
async function answerStats(running: () => number): Promise<void> {
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  process.on('SIGUSR2', () => {
    gc();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const stats: Stats = {
      heap: memory.heapUsed,
      rss: memory.rss,
      running: running(),
      cpuUs: cpu.user + cpu.system,
      loopP99: loop.percentile(99) / 1e6,
      loopMax: loop.max / 1e6,
    };
    loop.reset();
    process.stdout.write(`${JSON.stringify(stats)}\n`);
  });
}

/** Child role "service": brainhair on PostgreSQL; prints its port, a technician's token and the public keys. */
async function runBrainhair(modelUrl: string): Promise<void> {
  const { createLocalKeySet, createLogger, createTokenVerifier } = await import('@hivematrix/sdk');
  const { migrate, migrationsDir, openDatabase } = await import('@hivematrix/sdk/db');
  const { createTestDatabase, createTestKeys } = await import('@hivematrix/sdk/testing');
  const { buildApp: buildBrainhair } = await import('../services/brainhair/src/app.js');
  const { brainhairEnvSchema } = await import('../services/brainhair/src/config.js');
  const { createModel } = await import('../services/brainhair/src/chat/model.js');
  const { schema } = await import('../services/brainhair/src/db/schema.js');
  const { createPlatformClient } = await import('../services/brainhair/src/platform/client.js');

  const testDb = await createTestDatabase('brainhair-bench');
  const database = openDatabase({ url: testDb.url, applicationName: 'brainhair-bench', schema, poolMax: 20 });
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../services/brainhair/src/db/migrations') });
  const keys = await createTestKeys();
  const config = brainhairEnvSchema.parse({
    SERVICE_NAME: 'brainhair',
    DATABASE_URL: testDb.url,
    LOG_LEVEL: 'fatal',
    RATE_LIMIT_PER_MINUTE: '1000000',
    BRAINHAIR_MODEL_PROVIDER: 'openai-compatible',
    BRAINHAIR_MODEL: 'fake',
    BRAINHAIR_MODEL_BASE_URL: modelUrl,
    BRAINHAIR_DAILY_TOKENS: '100000000',
  });
  const brainhair = await buildBrainhair({
    config,
    logger: createLogger({ service: 'brainhair', level: 'fatal' }),
    db: database.db,
    ping: database.ping,
    verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'brainhair' }),
    platform: createPlatformClient({
      urls: { codex: 'http://127.0.0.1:9', ledger: 'http://127.0.0.1:9', knowledgetree: 'http://127.0.0.1:9' },
      timeoutMs: 1000,
    }),
    model: createModel(config, undefined),
    redactionKey: 'bench',
    now: () => new Date(),
  });
  await brainhair.listen({ host: '127.0.0.1', port: 0 });
  const brainhairPort = (brainhair.server.address() as AddressInfo).port;
  const token = await keys.mintUserToken({ permission_level: 'technician', groups: ['technicians'] });

  process.once('SIGTERM', () => {
    void (async () => {
      await brainhair.close();
      await database.close();
      await testDb.drop();
      process.exit(0);
    })();
  });
  await answerStats(() => brainhair.runs.size);
  process.stdout.write(`${JSON.stringify({ brainhairPort, token, jwks: keys.jwks })}\n`);
}

/**
 * Child role "gateway": nexus in front of brainhair with one signed-in session holding `token`
 * (the platform JWT is verified locally with `jwks`, as nexus does with core's keys; core is
 * never called). Prints its port and the session's cookie id.
 */
async function runGateway(brainhairPort: number, token: string, jwks: JSONWebKeySet): Promise<void> {
  const { createLocalKeySet, createLogger, createTokenVerifier, servicesFileSchema } = await import('@hivematrix/sdk');
  const { buildApp: buildNexus } = await import('../services/nexus/src/app.js');
  const { composePage, renderErrorPage } = await import('../services/nexus/src/compose/index.js');
  const { nexusEnvSchema } = await import('../services/nexus/src/config.js');
  const { createOidcClient } = await import('../services/nexus/src/auth/oidc.js');
  const { staticRegistry } = await import('../services/nexus/src/registry/live-registry.js');
  const { createMemoryStore } = await import('../services/nexus/src/session/memory-store.js');
  const { newOpaqueId, storeKey } = await import('../services/nexus/src/session/cookies.js');

  const verifier = createTokenVerifier({ keySet: createLocalKeySet(jwks), serviceName: 'nexus' });
  const principal = await verifier.verify(token);
  if (principal.kind !== 'user') throw new Error('not a user token');
  const store = createMemoryStore();
  const sessionId = newOpaqueId();
  await store.setSession(
    storeKey(sessionId),
    {
      token,
      user: principal.user,
      idToken: '',
      idpSid: null,
      idpSub: principal.user.sub,
      createdAt: Date.now(),
      lastSeenAt: Date.now(),
      prefs: { theme: 'light', accent: 'purple', sidebarCollapsed: false, homePage: null },
      prefsCheckedAt: 0,
    },
    3_600_000,
  );
  const nexusConfig = nexusEnvSchema.parse({
    SERVICE_NAME: 'nexus',
    SERVICE_SECRET: 'bench-secret-bench-secret-bench-secret',
    OIDC_CLIENT_SECRET: 'unused',
    LOG_LEVEL: 'fatal',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    HSTS_MAX_AGE: '0',
  });
  const unreachable = (): never => {
    throw new Error('the benchmark path must not call core');
  };
  const nexus = await buildNexus({
    config: nexusConfig,
    tls: null,
    composer: { composePage, renderErrorPage },
    store,
    registry: staticRegistry(
      servicesFileSchema.parse({
        brainhair: { url: `http://127.0.0.1:${brainhairPort}`, port: brainhairPort, display_name: 'Brainhair' },
      }),
    ),
    oidc: createOidcClient({
      issuer: nexusConfig.IDENTITY_ISSUER,
      upstreamUrl: nexusConfig.IDENTITY_UPSTREAM_URL,
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
  await nexus.listen({ host: '127.0.0.1', port: 0 });
  const nexusPort = (nexus.server.address() as AddressInfo).port;
  process.once('SIGTERM', () => {
    void nexus.close().then(() => process.exit(0));
  });
  await answerStats(() => 0);
  process.stdout.write(`${JSON.stringify({ nexusPort, sessionId })}\n`);
}

const { startFakeModel } = await import('../services/brainhair/test/fake-model.js');

const role = args.role;
if (role === 'service') {
  await runBrainhair(process.env.BENCH_MODEL_URL ?? '');
} else if (role === 'gateway') {
  await runGateway(
    Number(process.env.BENCH_BRAINHAIR_PORT),
    process.env.BENCH_TOKEN ?? '',
    JSON.parse(process.env.BENCH_JWKS ?? '{}') as JSONWebKeySet,
  );
} else {
  await runMain();
}

/** A child process of this script with its stdout read line by line. */
interface Child {
  name: string;
  process: ReturnType<typeof spawn>;
  lines: Interface;
  /** Its CPU time at the last reading (µs). */
  lastCpuUs: number;
}

/** Starts this script in `role` and waits for its first line (what it tells the main process). */
async function startChild<T>(
  name: string,
  role: string,
  env: Record<string, string>,
): Promise<{ child: Child; info: T }> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, `--role=${role}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const lines = createInterface({ input: child.stdout });
  const info = await new Promise<T>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as T));
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}`)));
  });
  return { child: { name, process: child, lines, lastCpuUs: 0 }, info };
}

/**
 * Each child's heap after a full GC, RSS and event-loop delay since the last call, and the CPU
 * time both used since the last call per answer (each answers SIGUSR2 with one line). CPU per
 * answer hardly depends on how loaded the machine is, unlike the latencies, so it is the figure
 * to compare between two versions.
 */
async function statsOf(children: Child[], route?: string): Promise<string> {
  const parts: string[] = [];
  let spent = 0;
  for (const child of children) {
    const answer = new Promise<string>((resolve) => child.lines.once('line', resolve));
    child.process.kill('SIGUSR2');
    const stats = JSON.parse(await answer) as Stats;
    spent += (stats.cpuUs - child.lastCpuUs) / 1000;
    child.lastCpuUs = stats.cpuUs;
    const running = child.name === 'brainhair' ? `, running answers ${stats.running}` : '';
    parts.push(
      `${child.name} heap after GC ${mb(stats.heap)} MB, rss ${mb(stats.rss)} MB${running}, loop delay p99 ${stats.loopP99.toFixed(0)} ms (max ${stats.loopMax.toFixed(0)})`,
    );
  }
  if (route !== undefined) {
    (cpuPerAnswer[route] ??= []).push(spent / CHATS);
    parts.push(`CPU ${(spent / CHATS).toFixed(1)} ms per answer`);
  }
  return parts.join('; ');
}

async function runMain(): Promise<void> {
  const model = await startFakeModel();
  model.script(() => ({ text: Array.from({ length: PIECES }, (_, i) => `word${i} `), delayMs: 10 }));
  const emittedAt = new Map<string, number>();
  model.onFirstText((body, at) => {
    const question = JSON.stringify(body.messages.at(-1)?.content ?? '');
    const marker = /bench-[dg]\d+-\d+/.exec(question)?.[0];
    if (marker) emittedAt.set(marker, at);
  });
  const service = await startChild<{ brainhairPort: number; token: string; jwks: JSONWebKeySet }>(
    'brainhair',
    'service',
    { BENCH_MODEL_URL: model.url },
  );
  const gateway = await startChild<{ nexusPort: number; sessionId: string }>('nexus', 'gateway', {
    BENCH_BRAINHAIR_PORT: String(service.info.brainhairPort),
    BENCH_TOKEN: service.info.token,
    BENCH_JWKS: JSON.stringify(service.info.jwks),
  });
  const children = [service.child, gateway.child];
  interface Route {
    name: string;
    /** In the markers the model reads back: `g` through the gateway, `d` direct. */
    tag: string;
    base: string;
    headers: Record<string, string>;
  }
  const viaGateway: Route = {
    name: 'through nexus',
    tag: 'g',
    base: `http://127.0.0.1:${gateway.info.nexusPort}/brainhair`,
    headers: {
      cookie: `__Host-hm_session=${gateway.info.sessionId}`,
      accept: 'application/json',
      'content-type': 'application/json',
    },
  };
  const direct: Route = {
    name: 'direct to brainhair',
    tag: 'd',
    base: `http://127.0.0.1:${service.info.brainhairPort}`,
    headers: {
      authorization: `Bearer ${service.info.token}`,
      accept: 'application/json',
      'content-type': 'application/json',
    },
  };

  async function newChat(route: Route): Promise<string> {
    const res = await request(`${route.base}/api/chats`, { method: 'POST', headers: route.headers, body: '{}' });
    if (res.statusCode !== 201) throw new Error(`create chat: ${res.statusCode} ${await res.body.text()}`);
    return ((await res.body.json()) as { id: string }).id;
  }

  /** One chat: sends a message, reads the SSE answer; returns the first-text latency in ms. */
  async function chat(route: Route, chatId: string, marker: string): Promise<{ latency: number; texts: number }> {
    const res = await request(`${route.base}/api/chats/${chatId}/messages`, {
      method: 'POST',
      headers: { ...route.headers, accept: 'text/event-stream' },
      body: JSON.stringify({ text: `hello ${marker}` }),
    });
    if (res.statusCode !== 200) throw new Error(`message: ${res.statusCode} ${await res.body.text()}`);
    let latency = Number.NaN;
    let texts = 0;
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += (chunk as Buffer).toString();
      let cut;
      while ((cut = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.startsWith('event: text')) {
          if (texts === 0) latency = performance.now() - (emittedAt.get(marker) ?? Number.NaN);
          texts += 1;
        }
      }
    }
    return { latency, texts };
  }

  const pct = (sorted: number[], p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

  /** One round: `CHATS` chats created, then all send a message at once; prints and returns the latencies. */
  async function round(route: Route, index: number, label: string): Promise<number[]> {
    const ids = await Promise.all(Array.from({ length: CHATS }, () => newChat(route)));
    const started = performance.now();
    const results = await Promise.all(ids.map((id, i) => chat(route, id, `bench-${route.tag}${index}-${i}`)));
    const wall = performance.now() - started;
    const latencies = results.map((r) => r.latency).sort((a, b) => a - b);
    const complete = results.filter((r) => r.texts === PIECES).length;
    process.stdout.write(
      `${route.name}, ${label}: ${complete}/${CHATS} complete answers in ${wall.toFixed(0)} ms; first text model→client p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms, max ${pct(latencies, 100).toFixed(1)} ms; ${await statsOf(children, index === 0 ? undefined : route.name)}\n`,
    );
    return latencies;
  }

  process.stdout.write(
    `brainhair SSE: ${CHATS} concurrent chats x ${ROUNDS} rounds per route, ${PIECES} text chunks each (10 ms apart)\n`,
  );
  process.stdout.write(`at start: ${await statsOf(children)}\n`);
  // The first round of each route compiles its code paths (nexus's proxy, brainhair's turn); it
  // is shown but not counted, else whichever route ran first would carry that cost alone.
  for (const route of [viaGateway, direct]) await round(route, 0, 'warm-up round (not counted)');
  const all: Record<string, number[]> = { [viaGateway.name]: [], [direct.name]: [] };
  // Rounds alternate between the routes, so a burst of load on the machine falls on both.
  for (let index = 1; index <= ROUNDS; index += 1) {
    for (const route of [viaGateway, direct]) all[route.name]?.push(...(await round(route, index, `round ${index}`)));
  }
  const p95s: Record<string, number> = {};
  for (const route of [viaGateway, direct]) {
    const sorted = (all[route.name] ?? []).sort((a, b) => a - b);
    p95s[route.name] = pct(sorted, 95);
    const cpu = cpuPerAnswer[route.name] ?? [];
    process.stdout.write(
      `${route.name}, all ${ROUNDS} rounds: p50 ${pct(sorted, 50).toFixed(1)} ms, p95 ${pct(sorted, 95).toFixed(1)} ms (ratio to the 100 ms target ${(pct(sorted, 95) / 100).toFixed(2)}), p99 ${pct(sorted, 99).toFixed(1)} ms; CPU per answer of brainhair and nexus together (chat creation, turn, stream; mean) ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(1)} ms\n`,
    );
  }
  const p95 = p95s[viaGateway.name] ?? Number.NaN;
  process.stdout.write(`p95 through nexus ÷ p95 direct: ${(p95 / (p95s[direct.name] ?? Number.NaN)).toFixed(2)}\n`);
  for (const child of children) {
    child.process.kill('SIGTERM');
    await new Promise((resolve) => child.process.once('exit', resolve));
  }
  await model.close();
  if (!(p95 < 100)) process.exitCode = 1;
}
