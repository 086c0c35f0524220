/**
 * Beacon under a help desk's load (issue 14): a real codex (in-process, over HTTP, on PostgreSQL)
 * holding 5,000 active tickets, beacon in front of it, and 200 open boards (server-sent event
 * streams; half on the whole help-desk view, half filtered by agent) for a bounded time, while a
 * ticket changes in codex every few seconds. Prints how many times codex was asked for the
 * tickets per refresh interval (target: at most 1, whatever the number of boards) and, for every
 * change and every board it concerns, the time from the change in codex's database to the patch
 * arriving on the board (target p95 < 2 s), and the part of it after beacon saw the change.
 *
 * Usage: tsx bench/beacon.ts [--tickets 5000] [--boards 200] [--duration 60] [--interval 1] [--change-every 3]
 * Uses TEST_DATABASE_URL's server when set, else an embedded PostgreSQL started for the run.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createLocalKeySet, createLogger, createServiceClient, createTokenVerifier } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys, startFakeCore } from '@hivematrix/sdk/testing';
import { schema as codexSchema } from '../services/codex/src/db/schema.js';
import { buildBenchCodex } from './support/codex.js';
import { buildApp as buildBeacon } from '../services/beacon/src/app.js';
import { beaconEnvSchema } from '../services/beacon/src/config.js';
import { httpCodexClient } from '../services/beacon/src/codex/client.js';
import { schema as beaconSchema } from '../services/beacon/src/db/schema.js';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '5000' },
    boards: { type: 'string', default: '200' },
    duration: { type: 'string', default: '60' },
    interval: { type: 'string', default: '1' },
    'change-every': { type: 'string', default: '3' },
  },
});
const TICKETS = Number(values.tickets);
const BOARDS = Number(values.boards);
const DURATION_MS = Number(values.duration) * 1000;
const INTERVAL_S = Number(values.interval);
const CHANGE_EVERY_MS = Number(values['change-every']) * 1000;
const TARGET_P95_MS = 2000;
const AGENTS = 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const logger = createLogger({ service: 'bench', level: 'silent' });
const keys = await createTestKeys();
const secret = 'b'.repeat(40);
const core = await startFakeCore({ keys, serviceSecrets: { beacon: secret } });
const codexDbInfo = await createTestDatabase('codex_beacon_bench');
const beaconDbInfo = await createTestDatabase('beacon_bench');
const codexDb = openDatabase({
  url: codexDbInfo.url,
  applicationName: 'codex-bench',
  schema: codexSchema,
  poolMax: 10,
});
const beaconDb = openDatabase({ url: beaconDbInfo.url, applicationName: 'beacon-bench', schema: beaconSchema });
try {
  await migrate(codexDb.pool, { dir: migrationsDir(import.meta.url, '../services/codex/src/db/migrations') });
  await migrate(beaconDb.pool, { dir: migrationsDir(import.meta.url, '../services/beacon/src/db/migrations') });
  // The tickets: one server-side INSERT … SELECT (the fill is not what is measured).
  await codexDb.pool.query(
    `INSERT INTO companies (account_number, name) SELECT 'C' || i, 'Company ' || i FROM generate_series(1, 200) AS i`,
  );
  await codexDb.pool.query(
    `INSERT INTO psa_agents (provider, external_id, name) SELECT 'freshservice', i::text, 'Agent ' || i FROM generate_series(1, ${AGENTS}) AS i`,
  );
  await codexDb.pool.query(
    `INSERT INTO tickets (provider, external_id, company_id, ticket_number, subject, status, priority, priority_id, responder_external_id, group_external_id, requester_name, requester_email, created_at, updated_at, fr_due_by)
     SELECT 'freshservice', i::text, (SELECT id FROM companies ORDER BY id OFFSET (i % 200) LIMIT 1), i::text, 'Ticket ' || i || ': something is broken',
            (ARRAY['open','pending','customer_replied','waiting_customer','on_hold','update_needed'])[1 + i % 6],
            (ARRAY['low','medium','high','urgent'])[1 + i % 4], 1 + i % 4,
            CASE WHEN i % 11 = 0 THEN NULL ELSE (1 + i % ${AGENTS})::text END,
            CASE WHEN i % 5 = 0 THEN '90' ELSE NULL END,
            'Requester ' || i, 'r' || i || '@client.example',
            now() - (i % 900) * interval '1 hour', now() - (i % 200) * interval '1 hour', now() + (i % 48) * interval '1 hour'
     FROM generate_series(1, ${TICKETS}) AS i`,
  );
  await codexDb.pool.query('ANALYZE');

  // Codex, counting the board requests it receives.
  const codex = await buildBenchCodex({ url: codexDbInfo.url, db: codexDb.db, ping: codexDb.ping, keys, logger });
  const boardRequests: number[] = [];
  const codexServe: number[] = [];
  codex.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/api/tickets/active')) {
      boardRequests.push(performance.now());
      codexServe.push(reply.elapsedTime);
    }
  });
  const codexUrl = await codex.listen({ port: 0, host: '127.0.0.1' });

  // Beacon in front of it.
  const beaconConfig = beaconEnvSchema.parse({
    SERVICE_NAME: 'beacon',
    DATABASE_URL: beaconDbInfo.url,
    RATE_LIMIT_PER_MINUTE: '10000000',
    REFRESH_SECONDS: String(INTERVAL_S),
    VIEWS: JSON.stringify([
      { slug: 'helpdesk', name: 'Helpdesk', exclude_groups: ['90'] },
      { slug: 'projects', name: 'Projects', groups: ['90'] },
    ]),
  });
  const client = createServiceClient({
    serviceName: 'beacon',
    secret,
    coreUrl: core.url,
    services: { codex: { url: codexUrl } },
  });
  const beacon = await buildBeacon({
    config: beaconConfig,
    logger,
    db: beaconDb.db,
    ping: beaconDb.ping,
    verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'beacon' }),
    codex: httpCodexClient({ client, codexUrl }),
    now: () => new Date(),
  });
  const seenAt = new Map<string, number>();
  const beaconUrl = await beacon.listen({ port: 0, host: '127.0.0.1' });
  const token = await keys.mintUserToken({ permission_level: 'technician' }, { expiresInSec: 3600 });

  // The boards.
  const changes = new Map<string, number>(); // new subject → when it was written in codex
  const latencies: number[] = [];
  const afterBeacon: number[] = [];
  let snapshots = 0;
  let patches = 0;
  const controllers: AbortController[] = [];
  const connect = async (index: number) => {
    const query = index % 2 === 0 ? 'view=helpdesk' : `view=helpdesk&agent=${1 + (index % AGENTS)}`;
    const controller = new AbortController();
    controllers.push(controller);
    const response = await fetch(`${beaconUrl}/api/board/events?${query}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    if (response.status !== 200 || response.body === null) throw new Error(`board ${index}: HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let ready: () => void = () => {};
    const first = new Promise<void>((resolve) => (ready = resolve));
    void (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) return;
        buffer += chunk.value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith('event: snapshot')) {
            snapshots += 1;
            ready();
          } else if (frame.startsWith('event: patch')) {
            patches += 1;
            const arrived = performance.now();
            for (const match of frame.matchAll(/"subject":"(changed [^"]+)"/g)) {
              const subject = match[1] ?? '';
              const written = changes.get(subject);
              if (written !== undefined) latencies.push(arrived - written);
              const seen = seenAt.get(subject);
              if (seen !== undefined) afterBeacon.push(arrived - seen);
            }
          }
        }
      }
    })();
    return first;
  };
  beacon.board.subscribe((change) => {
    const at = performance.now();
    for (const row of change.upserts)
      if (row.subject.startsWith('changed ') && !seenAt.has(row.subject)) seenAt.set(row.subject, at);
  });

  const connectStart = performance.now();
  for (let i = 0; i < BOARDS; i += 10)
    await Promise.all(Array.from({ length: Math.min(10, BOARDS - i) }, (_, j) => connect(i + j)));
  console.log(
    `==> ${TICKETS} active tickets, ${BOARDS} boards connected in ${((performance.now() - connectStart) / 1000).toFixed(1)} s; refresh interval ${INTERVAL_S} s; running ${DURATION_MS / 1000} s`,
  );
  const requestsBefore = boardRequests.length;
  const fullReadsBefore = beacon.board.fullReads;
  const changeReadsBefore = beacon.board.changeReads;
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < DURATION_MS) {
    n += 1;
    // A help-desk ticket (not in the projects group) assigned to agent 2, so agent boards see some too.
    const id = String(1 + ((n * 37) % TICKETS));
    const subject = `changed ${n} ${Date.now()}`;
    await codexDb.pool.query(
      `UPDATE tickets SET subject = $1, group_external_id = NULL, synced_at = now() WHERE external_id = $2`,
      [subject, id],
    );
    changes.set(subject, performance.now());
    await new Promise((resolve) => setTimeout(resolve, CHANGE_EVERY_MS));
  }
  const elapsed = performance.now() - started;
  for (const controller of controllers) controller.abort();
  const requests = boardRequests.length - requestsBefore;
  const fullReads = beacon.board.fullReads - fullReadsBefore;
  const changeReads = beacon.board.changeReads - changeReadsBefore;
  const intervals = elapsed / (INTERVAL_S * 1000);
  const sorted = latencies.sort((a, b) => a - b);
  const inner = afterBeacon.sort((a, b) => a - b);
  const serve = codexServe.slice(requestsBefore).sort((a, b) => a - b);
  console.log(
    `  codex board requests: ${requests} in ${(elapsed / 1000).toFixed(1)} s = ${(requests / intervals).toFixed(2)} per ${INTERVAL_S} s interval (target ≤ 1, for ${BOARDS} boards), ${fullReads} full reads, ${changeReads} of the changes only, ${requests - fullReads - changeReads} × 304 (nothing changed); codex answered in p50 ${percentile(serve, 50).toFixed(0)} ms, p95 ${percentile(serve, 95).toFixed(0)} ms`,
  );
  console.log(
    `  ${n} changes, ${sorted.length} deliveries to boards (${snapshots} snapshots, ${patches} patches in all)`,
  );
  console.log(
    `  change in codex → board: p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${percentile(sorted, 100).toFixed(0)} ms (p95/target ${(percentile(sorted, 95) / TARGET_P95_MS).toFixed(2)})`,
  );
  console.log(
    `  beacon saw it → board:  p50 ${percentile(inner, 50).toFixed(0)} ms, p95 ${percentile(inner, 95).toFixed(0)} ms, max ${percentile(inner, 100).toFixed(0)} ms`,
  );
  const ok = requests / intervals <= 1.05 && percentile(sorted, 95) < TARGET_P95_MS && sorted.length > 0;
  console.log(ok ? '==> OK' : '==> TARGET MISSED');
  process.exitCode = ok ? 0 : 1;
  await beacon.close();
  await codex.close();
  await core.close();
} finally {
  await codexDb.close();
  await beaconDb.close();
  await codexDbInfo.drop();
  await beaconDbInfo.drop();
}
