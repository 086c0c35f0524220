/**
 * The gateway's probe endpoints (SDK `registerHealthRoute`), served by nexus itself over HTTPS and
 * without signing in, never proxied (`health` is a reserved name): readiness is the gateway's own
 * state (its session store, the revocation feed caught up once), liveness only that it answers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNexus } from './harness.js';

describe('gateway: /health/ready and /health/live', () => {
  it('answer without a session; ready waits for the revocation feed, live does not', { timeout: 20_000 }, async () => {
    const h = await startNexus({ revocationGraceMs: 300, feedDownAtStart: true });
    try {
      const starting = await h.fetch('/health/ready');
      const body = (await starting.body.json()) as { status: string; checks: Record<string, { state?: string }> };
      assert.equal(starting.statusCode, 503, JSON.stringify(body));
      assert.equal(body.checks.revocation_feed?.state, 'starting');
      assert.equal(body.checks.dependencies, undefined, 'readiness never asks core or identity');

      const live = await h.fetch('/health/live');
      assert.equal(live.statusCode, 200);
      assert.equal(((await live.body.json()) as { service: string }).service, 'nexus');

      h.core.core.setFeedDown(false);
      await h.feed.ready();
      const ready = await h.fetch('/health/ready');
      const readyBody = (await ready.body.json()) as { checks: Record<string, { status: string }> };
      assert.equal(ready.statusCode, 200, JSON.stringify(readyBody));
      assert.equal(readyBody.checks.sessions?.status, 'healthy');
    } finally {
      await h.close();
    }
  });
});
