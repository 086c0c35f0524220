/**
 * The gateway applies the same fail-closed revocation policy as every service: while core's feed
 * is down longer than the grace, a session whose token predates the outage is kept only when core
 * confirms it, and one core revoked meanwhile is dropped. (Before, the gateway trusted its local
 * set for as long as the feed stayed down.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNexus, TECH, ADMIN } from './harness.js';

const JSON_FETCH = { accept: 'application/json', 'sec-fetch-mode': 'cors' };

describe('gateway during a revocation feed outage', () => {
  it(
    'keeps sessions within the grace, then drops one core revoked meanwhile and keeps one core confirms',
    { timeout: 20_000 },
    async () => {
      // The grace counts from the last byte core sent (its pings come every second here).
      const h = await startNexus({ revocationGraceMs: 2000 });
      try {
        const tech = await h.login(TECH);
        const admin = await h.login(ADMIN);
        const get = (cookie: string) => h.fetch('/echo-svc/echo', { headers: { cookie, ...JSON_FETCH } });
        for (const cookie of [tech.cookie, admin.cookie]) {
          const ok = await get(cookie);
          await ok.body.dump();
          assert.equal(ok.statusCode, 200);
        }

        h.core.core.setFeedDown(true);
        const techSession = [...h.core.sessions.values()].find(
          (session) => session.sub === TECH.sub && !session.revoked,
        );
        assert.ok(techSession);
        h.core.revokeSession(techSession.id); // published, but the gateway's feed cannot hear it
        const deadline = Date.now() + 3000;
        while (h.feed.status().state !== 'down' && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 10));

        // Within the grace the local set decides: a blip does not sign anybody out.
        const within = await get(tech.cookie);
        await within.body.dump();
        assert.equal(within.statusCode, 200);

        await new Promise((resolve) => setTimeout(resolve, 2100));
        const refused = await get(tech.cookie);
        const problem = (await refused.body.json()) as { code: string };
        assert.equal(refused.statusCode, 401);
        assert.equal(problem.code, 'unauthorized');
        const kept = await get(admin.cookie);
        await kept.body.dump();
        assert.equal(kept.statusCode, 200, 'a session core confirms stays');

        const health = await h.fetch('/health');
        const body = (await health.body.json()) as {
          status: string;
          checks: { revocation_feed: { state: string; strict: boolean } };
        };
        assert.equal(body.checks.revocation_feed.state, 'down');
        assert.equal(body.checks.revocation_feed.strict, true);
        assert.notEqual(body.status, 'healthy');
      } finally {
        await h.close();
      }
    },
  );

  it('serves no session until the feed has caught up once, and says so in /health', { timeout: 20_000 }, async () => {
    const h = await startNexus({ revocationGraceMs: 300, feedDownAtStart: true });
    try {
      await assert.rejects(h.login(TECH), /callback answered 503/);
      const health = await h.fetch('/health');
      const body = (await health.body.json()) as {
        status: string;
        checks: { revocation_feed: { status: string; state: string } };
      };
      assert.equal(health.statusCode, 503);
      assert.deepEqual(
        [body.status, body.checks.revocation_feed.status, body.checks.revocation_feed.state],
        ['unhealthy', 'unhealthy', 'starting'],
      );

      h.core.core.setFeedDown(false);
      await h.feed.ready();
      const { cookie } = await h.login(TECH);
      const ok = await h.fetch('/echo-svc/echo', { headers: { cookie, ...JSON_FETCH } });
      await ok.body.dump();
      assert.equal(ok.statusCode, 200);
    } finally {
      await h.close();
    }
  });
});
