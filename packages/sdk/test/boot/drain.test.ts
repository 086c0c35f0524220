/**
 * Graceful shutdown (runService): on SIGTERM a real process reports itself not ready (503 with a
 * `draining` check), finishes the request in flight, ends its event stream politely (the final
 * chunk, so the client sees a clean end), then exits 0; a request that never finishes is cut at
 * the bound and the process still exits.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { request as httpRequest } from 'node:http';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'drain-service.ts');

interface Running {
  child: ChildProcess;
  port: number;
  output: string[];
  exited: Promise<{ code: number | null; at: number }>;
}

async function startFixture(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      output.push(...chunk.split('\n').filter((line) => line !== ''));
      const line = output.find((entry) => entry.startsWith('port='));
      if (line !== undefined) resolve(Number(line.slice(5)));
    });
    child.once('exit', (code) => reject(new Error(`fixture exited (${code}) before listening`)));
  });
  return { child, port, output, exited };
}

/** Resolves once the fixture says a request reached `path`'s handler (a fixed sleep is too short on a loaded machine). */
async function reached(running: Running, path: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!running.output.includes(`reached=${path}`)) {
    if (Date.now() > deadline) throw new Error(`no request reached ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** GET with a fresh connection; resolves with the status, the body and whether the body ended cleanly. */
function get(
  port: number,
  pathName: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; clean: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: pathName, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, clean: true }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body, clean: false }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body, clean: false }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the event stream and resolves once its first event arrived; `ended` settles when it ends. */
async function openStream(port: number): Promise<{ ended: Promise<{ clean: boolean; body: string }> }> {
  let first!: () => void;
  const firstEvent = new Promise<void>((resolve) => (first = resolve));
  const ended = new Promise<{ clean: boolean; body: string }>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/events', headers: { accept: 'text/event-stream' }, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.includes('event: hello')) first();
        });
        res.on('end', () => resolve({ clean: true, body }));
        res.on('aborted', () => resolve({ clean: false, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
  await firstEvent;
  return { ended };
}

describe('sdk: graceful shutdown on SIGTERM', () => {
  it('reports draining, finishes the request in flight, ends streams politely, exits 0', async () => {
    const running = await startFixture({ SLOW_MS: '1500', DRAIN_DELAY_MS: '600', DRAIN_TIMEOUT_MS: '10000' });
    const before = await get(running.port, '/health');
    assert.equal(before.status, 200, before.body);
    assert.equal((await get(running.port, '/health/ready')).status, 200);

    const stream = await openStream(running.port);
    const slow = get(running.port, '/slow');
    await reached(running, '/slow');
    const signalled = Date.now();
    running.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 150));

    // All three at once: the listener stays open only for the drain delay.
    const [during, ready, live] = await Promise.all(
      ['/health', '/health/ready', '/health/live'].map((path) => get(running.port, path)),
    );
    assert.ok(during !== undefined && ready !== undefined && live !== undefined);
    assert.equal(during.status, 503);
    const body = JSON.parse(during.body) as {
      status: string;
      checks: { draining?: { status: string; state: string; since: string } };
    };
    assert.equal(body.status, 'unhealthy');
    assert.equal(body.checks.draining?.state, 'draining');
    assert.equal(body.checks.draining?.status, 'unhealthy');
    // Readiness follows (balancers stop sending work); liveness does not (nothing to restart).
    assert.equal(ready.status, 503);
    assert.equal(
      (JSON.parse(ready.body) as { checks: { draining?: { state: string } } }).checks.draining?.state,
      'draining',
    );
    assert.equal(live.status, 200);
    assert.equal((JSON.parse(live.body) as { draining: boolean }).draining, true);

    const finished = await slow;
    assert.equal(finished.status, 200);
    assert.deepEqual(JSON.parse(finished.body), { done: true });
    assert.ok(finished.clean);

    const streamEnd = await stream.ended;
    assert.ok(streamEnd.clean, 'the event stream ends with its final chunk, not a cut connection');

    const exit = await running.exited;
    assert.equal(exit.code, 0);
    assert.ok(running.output.includes('closed'), 'the service closed its resources');
    assert.ok(exit.at - signalled < 5_000, `exited ${exit.at - signalled} ms after SIGTERM`);
  });

  it('finishes the request in flight even when the app closes connections forcibly (as the gateway does)', async () => {
    const running = await startFixture({ SLOW_MS: '1200', FORCE_CLOSE: '1' });
    const slow = get(running.port, '/slow');
    await reached(running, '/slow');
    running.child.kill('SIGTERM');
    const finished = await slow;
    assert.equal(finished.status, 200);
    assert.ok(finished.clean);
    assert.equal((await running.exited).code, 0);
  });

  it('cuts a request that outlives the bound and still exits', async () => {
    const running = await startFixture({ DRAIN_TIMEOUT_MS: '800' });
    const hanging = get(running.port, '/hang').catch(() => ({ status: 0, body: '', clean: false }));
    await reached(running, '/hang');
    const signalled = Date.now();
    running.child.kill('SIGTERM');
    const exit = await running.exited;
    assert.equal(exit.code, 0);
    const elapsed = exit.at - signalled;
    assert.ok(elapsed >= 700 && elapsed < 4_000, `exited ${elapsed} ms after SIGTERM (bound 800 ms)`);
    const cut = await hanging;
    assert.equal(cut.clean, false);
  });
});
