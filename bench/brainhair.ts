/**
 * Brainhair's streaming through the gateway (issue 15): nexus (a signed-in session in its store)
 * in front of brainhair (on PostgreSQL) whose model is the scripted OpenAI-compatible server of
 * its tests. `--chats` (default 50) chats send a message at the same time and read the answer's
 * server-sent events through nexus; for each, the time from the model writing its first text
 * chunk to that text arriving at the client (target p95 < 100 ms). Repeated `--rounds` times
 * (default 4), to show memory stays bounded,
 * then the same rounds directly to brainhair (no gateway), so the gateway's share can be read off.
 * Brainhair and nexus run in a child process (the measured side; its heap after a full GC, its
 * RSS and the CPU time it spent per answer are reported after each round); the scripted model and the 50 clients run in this process, which takes both
 * timestamps. Uses `TEST_DATABASE_URL`'s server or an embedded PostgreSQL.
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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
// The service's CPU time at the last reading, and per answer per route (before the top-level await below runs).
let lastCpuUs = 0;
const cpuPerAnswer: Record<string, number[]> = {};

/** Child role: brainhair on PostgreSQL and nexus in front of it, with one signed-in session. */
async function runService(modelUrl: string): Promise<void> {
  const { createLocalKeySet, createLogger, createTokenVerifier, servicesFileSchema } = await import('@hivematrix/sdk');
  const { migrate, migrationsDir, openDatabase } = await import('@hivematrix/sdk/db');
  const { createTestDatabase, createTestKeys } = await import('@hivematrix/sdk/testing');
  const { buildApp: buildBrainhair } = await import('../services/brainhair/src/app.js');
  const { brainhairEnvSchema } = await import('../services/brainhair/src/config.js');
  const { createModel } = await import('../services/brainhair/src/chat/model.js');
  const { schema } = await import('../services/brainhair/src/db/schema.js');
  const { createPlatformClient } = await import('../services/brainhair/src/platform/client.js');
  const { buildApp: buildNexus } = await import('../services/nexus/src/app.js');
  const { composePage, renderErrorPage } = await import('../services/nexus/src/compose/index.js');
  const { nexusEnvSchema } = await import('../services/nexus/src/config.js');
  const { createOidcClient } = await import('../services/nexus/src/auth/oidc.js');
  const { staticRegistry } = await import('../services/nexus/src/registry/live-registry.js');
  const { createMemoryStore } = await import('../services/nexus/src/session/memory-store.js');
  const { newOpaqueId, storeKey } = await import('../services/nexus/src/session/cookies.js');

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

  // Nexus with one signed-in session (the platform JWT verified locally; core is never called).
  const token = await keys.mintUserToken({ permission_level: 'technician', groups: ['technicians'] });
  const verifier = createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'nexus' });
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
  const close = async () => {
    await nexus.close();
    await brainhair.close();
    await database.close();
    await testDb.drop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void close());
  // On SIGUSR2: a full GC, then the heap and RSS on one line (the main process reads it).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  process.on('SIGUSR2', () => {
    gc();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    process.stdout.write(
      `${JSON.stringify({ heap: memory.heapUsed, rss: memory.rss, running: brainhair.runs.size, cpuUs: cpu.user + cpu.system })}\n`,
    );
  });
  process.stdout.write(`${JSON.stringify({ nexusPort, brainhairPort, sessionId, token })}\n`);
}

const { startFakeModel } = await import('../services/brainhair/test/fake-model.js');

const role = args.role;
if (role === 'service') {
  await runService(process.env.BENCH_MODEL_URL ?? '');
} else {
  await runMain();
}

/**
 * The service process's heap after a full GC, its RSS, and the CPU time it used since the last
 * call per answer (it answers SIGUSR2 with one line). CPU per answer hardly depends on how loaded
 * the machine is, unlike the latencies, so it is the figure to compare between two versions.
 */
async function memoryOf(child: ReturnType<typeof spawn>, lines: Interface, route?: string): Promise<string> {
  const answer = new Promise<string>((resolve) => lines.once('line', resolve));
  child.kill('SIGUSR2');
  const { heap, rss, running, cpuUs } = JSON.parse(await answer) as {
    heap: number;
    rss: number;
    running: number;
    cpuUs: number;
  };
  const spent = (cpuUs - lastCpuUs) / 1000;
  lastCpuUs = cpuUs;
  const cpu = route === undefined ? '' : `, service CPU ${(spent / CHATS).toFixed(1)} ms per answer`;
  if (route !== undefined) (cpuPerAnswer[route] ??= []).push(spent / CHATS);
  return `service heap after GC ${mb(heap)} MB, rss ${mb(rss)} MB, running answers ${running}${cpu}`;
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
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--role=service'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_MODEL_URL: model.url },
  });
  const lines = createInterface({ input: child.stdout });
  const info = await new Promise<{ nexusPort: number; brainhairPort: number; sessionId: string; token: string }>(
    (resolve, reject) => {
      lines.once('line', (line) =>
        resolve(JSON.parse(line) as { nexusPort: number; brainhairPort: number; sessionId: string; token: string }),
      );
      child.once('exit', (code) => reject(new Error(`service exited ${code}`)));
    },
  );
  interface Route {
    name: string;
    base: string;
    headers: Record<string, string>;
  }
  const viaGateway: Route = {
    name: 'through nexus',
    base: `http://127.0.0.1:${info.nexusPort}/brainhair`,
    headers: {
      cookie: `__Host-hm_session=${info.sessionId}`,
      accept: 'application/json',
      'content-type': 'application/json',
    },
  };
  const direct: Route = {
    name: 'direct to brainhair',
    base: `http://127.0.0.1:${info.brainhairPort}`,
    headers: { authorization: `Bearer ${info.token}`, accept: 'application/json', 'content-type': 'application/json' },
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

  process.stdout.write(
    `brainhair SSE: ${CHATS} concurrent chats x ${ROUNDS} rounds, ${PIECES} text chunks each (10 ms apart)\n`,
  );
  process.stdout.write(`at start: ${await memoryOf(child, lines)}\n`);
  const p95s: Record<string, number> = {};
  // Rounds alternate between the gateway and brainhair directly, so the gateway's share shows.
  for (const route of [viaGateway, direct]) {
    const all: number[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const ids = await Promise.all(Array.from({ length: CHATS }, () => newChat(route)));
      const started = performance.now();
      const results = await Promise.all(
        ids.map((id, i) => chat(route, id, `bench-${route === direct ? 'd' : 'g'}${round}-${i}`)),
      );
      const wall = performance.now() - started;
      const latencies = results.map((r) => r.latency).sort((a, b) => a - b);
      all.push(...latencies);
      const complete = results.filter((r) => r.texts === PIECES).length;
      process.stdout.write(
        `${route.name}, round ${round}: ${complete}/${CHATS} complete answers in ${wall.toFixed(0)} ms; first text model→client p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms, max ${pct(latencies, 100).toFixed(1)} ms; ${await memoryOf(child, lines, route.name)}\n`,
      );
    }
    all.sort((a, b) => a - b);
    p95s[route.name] = pct(all, 95);
    // Round 1 through the gateway also pays for compiling the code paths; later rounds are steady.
    const cpu = (cpuPerAnswer[route.name] ?? []).slice(route === viaGateway ? 1 : 0);
    process.stdout.write(
      `${route.name}, all rounds: p50 ${pct(all, 50).toFixed(1)} ms, p95 ${pct(all, 95).toFixed(1)} ms (ratio to the 100 ms target ${(pct(all, 95) / 100).toFixed(2)}), p99 ${pct(all, 99).toFixed(1)} ms; service CPU per answer (chat creation, turn, stream; mean of the warm rounds) ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(1)} ms\n`,
    );
  }
  const p95 = p95s[viaGateway.name] ?? Number.NaN;
  process.stdout.write(`p95 through nexus ÷ p95 direct: ${(p95 / (p95s[direct.name] ?? Number.NaN)).toFixed(2)}\n`);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await model.close();
  if (!(p95 < 100)) process.exitCode = 1;
}
