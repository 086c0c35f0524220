/**
 * Runs brainhair for tests on a fresh database, listening on port 0, with the real codex and
 * ledger (and, on request, knowledgetree: their own test harnesses, over real HTTP) and a
 * scripted OpenAI-compatible model.
 *
 * Each harness signs tokens with its own test keys, whereas on the platform one core signs for
 * all. So the platform client's fetch re-signs the user's token, claim for claim, with the
 * target's keys: the upstream still receives that user's own identity and permission level
 * (a stand-in for the shared key set, nothing more).
 */
import type { AddressInfo } from 'node:net';
import { createTokenVerifier, createLocalKeySet, createLogger, type PermissionLevel } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys, type TestKeys } from '@hivematrix/sdk/testing';
import { decodeJwt } from 'jose';
import type pg from 'pg';
import { buildApp } from '../src/app.js';
import { createModel } from '../src/chat/model.js';
import { brainhairEnvSchema } from '../src/config.js';
import { schema, type BrainhairDb } from '../src/db/schema.js';
import { createPlatformClient } from '../src/platform/client.js';
import type { RunRegistry } from '../src/chat/runs.js';
import { startCodex, type CodexHarness } from '../../codex/test/harness.js';
import { startLedger, type LedgerHarness } from '../../ledger/test/harness.js';
import { codexOverHttp } from '../../ledger/test/real-codex.js';
import { startKnowledgetree, type KnowledgetreeHarness } from '../../knowledgetree/test/harness.js';
import { startFakeModel, type FakeModel } from './fake-model.js';

export const FROZEN_NOW = new Date('2026-11-25T12:00:00Z');
const GROUPS: Record<PermissionLevel, string[]> = {
  admin: ['admins'],
  technician: ['technicians'],
  billing: ['billing'],
  client: [],
};

export interface BrainhairHarness {
  url: string;
  keys: TestKeys;
  db: BrainhairDb;
  pool: pg.Pool;
  runs: RunRegistry;
  codex: CodexHarness;
  ledger: LedgerHarness;
  /** The real knowledgetree, when `withKnowledge` was asked. */
  knowledge: KnowledgetreeHarness | undefined;
  model: FakeModel | undefined;
  /** A user token; `claims` override (sub, email, name…). */
  token(level?: PermissionLevel, claims?: Record<string, unknown>): Promise<string>;
  /** JSON request to brainhair with a token. */
  api(
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> & { [k: string]: unknown } }>;
  close(): Promise<void>;
}

/** One call brainhair makes to another service, as a test's interceptor sees it. */
export interface UpstreamCall {
  service: 'codex' | 'ledger' | 'knowledgetree';
  url: URL;
  method: string;
  body: string | undefined;
  /** The token brainhair sent (the user's own), before the harness re-signs it. */
  userToken: string | undefined;
  /** The Authorization header the target accepts (re-signed with its test keys). */
  upstreamAuthorization: string | undefined;
}

export interface HarnessOptions {
  withModel?: boolean;
  withKnowledge?: boolean;
  env?: Record<string, string>;
  /** Sees every upstream call; answers it instead of the real service when it returns a response. */
  intercept?: (call: UpstreamCall) => Promise<Response | undefined>;
}

export async function startBrainhair(options: HarnessOptions = {}): Promise<BrainhairHarness> {
  const codex = await startCodex();
  const ledger = await startLedger(await codexOverHttp(codex));
  await ledger.app.listen({ host: '127.0.0.1', port: 0 });
  const codexUrl = `http://127.0.0.1:${(codex.app.server.address() as AddressInfo).port}`;
  const ledgerUrl = `http://127.0.0.1:${(ledger.app.server.address() as AddressInfo).port}`;
  const model = options.withModel === false ? undefined : await startFakeModel();
  const knowledge = options.withKnowledge === true ? await startKnowledgetree() : undefined;
  await knowledge?.app.listen({ host: '127.0.0.1', port: 0 });
  const knowledgeUrl = knowledge
    ? `http://127.0.0.1:${(knowledge.app.server.address() as AddressInfo).port}`
    : 'http://127.0.0.1:9';

  const testDb = await createTestDatabase('brainhair');
  const database = openDatabase({ url: testDb.url, applicationName: 'brainhair-test', schema });
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
  const keys = await createTestKeys();
  const config = brainhairEnvSchema.parse({
    SERVICE_NAME: 'brainhair',
    DATABASE_URL: testDb.url,
    RATE_LIMIT_PER_MINUTE: '10000',
    LOG_LEVEL: 'warn',
    CODEX_SERVICE_URL: codexUrl,
    LEDGER_SERVICE_URL: ledgerUrl,
    KNOWLEDGETREE_SERVICE_URL: knowledgeUrl,
    ...(model
      ? {
          BRAINHAIR_MODEL_PROVIDER: 'openai-compatible',
          BRAINHAIR_MODEL: 'fake-model',
          BRAINHAIR_MODEL_BASE_URL: model.url,
        }
      : {}),
    ...options.env,
  });
  const reSign = async (url: string, token: string): Promise<string> => {
    const claims = decodeJwt(token);
    const { iat: _iat, exp: _exp, nbf: _nbf, iss: _iss, aud: _aud, ...rest } = claims;
    const port = Number(new URL(url).port);
    if (port === Number(new URL(codexUrl).port)) return codex.keys.mintUserToken(rest, { now: FROZEN_NOW.getTime() });
    if (knowledge && port === Number(new URL(knowledgeUrl).port))
      return knowledge.keys.mintUserToken(rest, { now: FROZEN_NOW.getTime() });
    return ledger.keys.mintUserToken(rest, { now: new Date('2025-11-03T12:00:00Z').getTime() });
  };
  const app = await buildApp({
    config,
    logger: createLogger({ service: 'brainhair', level: process.env.BH_TEST_LOG === '1' ? 'error' : 'silent' }),
    db: database.db,
    ping: database.ping,
    verifier: createTokenVerifier({
      keySet: createLocalKeySet(keys.jwks),
      serviceName: 'brainhair',
      now: () => FROZEN_NOW.getTime(),
    }),
    platform: createPlatformClient({
      urls: { codex: codexUrl, ledger: ledgerUrl, knowledgetree: knowledgeUrl },
      timeoutMs: 5000,
      fetch: async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        const headers = new Headers(init?.headers);
        const auth = headers.get('authorization');
        const userToken = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
        if (userToken !== undefined) headers.set('authorization', `Bearer ${await reSign(url, userToken)}`);
        const port = Number(new URL(url).port);
        const service =
          port === Number(new URL(codexUrl).port)
            ? 'codex'
            : port === Number(new URL(ledgerUrl).port)
              ? 'ledger'
              : 'knowledgetree';
        const faked = await options.intercept?.({
          service,
          url: new URL(url),
          method: init?.method ?? 'GET',
          body: typeof init?.body === 'string' ? init.body : undefined,
          userToken,
          upstreamAuthorization: headers.get('authorization') ?? undefined,
        });
        return faked ?? globalThis.fetch(input, { ...init, headers });
      },
    }),
    model: createModel(config, undefined),
    redactionKey: 'test-redaction-key',
    now: () => FROZEN_NOW,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    keys,
    db: database.db,
    pool: database.pool,
    runs: app.runs,
    codex,
    ledger,
    knowledge,
    model,
    token: (level = 'technician', claims = {}) =>
      keys.mintUserToken({ permission_level: level, groups: GROUPS[level], ...claims }, { now: FROZEN_NOW.getTime() }),
    async api(token, method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
    },
    async close() {
      await app.close();
      await database.close();
      await testDb.drop();
      await model?.close();
      await knowledge?.close();
      await ledger.close();
      await codex.close();
    },
  };
}

export interface StreamedEvent {
  type: string;
  [key: string]: unknown;
}

/**
 * Sends a message and reads the whole SSE answer; `onEvent` sees each event as it arrives, and
 * when `until` returns true the client aborts the request (the browser going away).
 */
export async function ask(
  t: BrainhairHarness,
  token: string,
  chatId: string,
  text: string,
  options: { until?: (e: StreamedEvent) => boolean; onEvent?: (e: StreamedEvent) => void } = {},
): Promise<{ status: number; events: StreamedEvent[]; contentType: string }> {
  const { until, onEvent } = options;
  const controller = new AbortController();
  const res = await fetch(`${t.url}/api/chats/${chatId}/messages`, {
    method: 'POST',
    signal: controller.signal,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  const events: StreamedEvent[] = [];
  if (!res.ok || res.body === null)
    return { status: res.status, events, contentType: res.headers.get('content-type') ?? '' };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data) {
          const event = JSON.parse(data.slice(6)) as StreamedEvent;
          events.push(event);
          onEvent?.(event);
          if (until?.(event)) {
            controller.abort();
            return { status: res.status, events, contentType: res.headers.get('content-type') ?? '' };
          }
        }
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return { status: res.status, events, contentType: res.headers.get('content-type') ?? '' };
}

/** The first event of `type` (fails the test when there is none), typed as the test expects. */
export function eventOf<T>(events: StreamedEvent[], type: string): T {
  const found = events.find((e) => e.type === type);
  if (found === undefined) throw new Error(`no ${type} event in ${JSON.stringify(events.map((e) => e.type))}`);
  return found as unknown as T;
}
