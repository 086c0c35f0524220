/**
 * The three health endpoints every service serves, for three different readers:
 *
 * - `GET /health/live` (liveness): the process runs and its event loop turns. Always 200 when it
 *   answers at all, also while draining and while a dependency or the database is down: a
 *   restart cures none of those, and Kubernetes restarts a pod whose liveness probe fails.
 * - `GET /health/ready` (readiness): this instance can serve requests itself: it is not draining
 *   (SIGTERM received), its own database answers, and its revocation feed has caught up once (a
 *   starting instance accepts no user token yet). Load balancers and Kubernetes' readiness probe
 *   read this one: it never looks at other services, so one failing service cannot take every
 *   instance of the services that call it out of rotation.
 * - `GET /health` (the detailed report): the contract kept from the original, dependencies and
 *   disk included, 200 only when everything is healthy; for helm's console and for people.
 *
 * All three are never cached and exempt from the rate limit (they are polled every few seconds,
 * and a throttled probe reads as an outage).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { CheckResult, HealthStatus } from '../health-check.js';
import type { HealthCheck, HealthReport, ReadinessReport } from '../health.js';
import { drainStateOf } from './drain.js';

/** The paths of the health endpoints (Kubernetes probes, HAProxy checks and the image's HEALTHCHECK ask these). */
export const HEALTH_PATHS = { report: '/health', live: '/health/live', ready: '/health/ready' } as const;

const ORDER: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

/** The status a check gives its report: `unknown` counts as degraded. */
function statusOf(result: CheckResult): HealthStatus {
  return result.status === 'unknown' ? 'degraded' : result.status;
}

/**
 * Adds one more check to a finished report: `unhealthy` makes it unhealthy, anything but
 * `healthy` at least degraded (and the status code follows: 200 only when healthy).
 */
export function addCheck(report: HealthReport, name: string, result: CheckResult): HealthReport {
  return withCheck(report, name, result, (status) => (status === 'healthy' ? 200 : 503));
}

/** As `addCheck` for the readiness report, where only `unhealthy` answers 503. */
function addReadinessCheck(report: ReadinessReport, name: string, result: CheckResult): ReadinessReport {
  return withCheck(report, name, result, (status) => (status === 'unhealthy' ? 503 : 200));
}

/** `report` with the check `name` added, its status the worse of the two, and the code `codeOf` gives it. */
function withCheck<R extends HealthReport | ReadinessReport>(
  report: R,
  name: string,
  result: CheckResult,
  codeOf: (status: HealthStatus) => 200 | 503,
): R {
  const own = statusOf(result);
  const status = ORDER[own] > ORDER[report.body.status] ? own : report.body.status;
  return {
    ...report,
    statusCode: codeOf(status),
    body: { ...report.body, status, checks: { ...report.body.checks, [name]: result } },
  };
}

/** Milliseconds, two decimals, from the histogram's nanoseconds. */
function ms(nanoseconds: number): number {
  return Number.isFinite(nanoseconds) ? Math.round(nanoseconds / 1e4) / 100 : 0;
}

/**
 * Registers `GET /health`, `GET /health/ready` and `GET /health/live` (see the file comment).
 *
 * When the app's verifier (see `createServiceApp`) has a revocation policy, its state is the
 * `revocation_feed` check: in `/health`, `unhealthy` until the feed has caught up once and
 * `degraded` while it is down; in `/health/ready`, only the first counts (a feed that went down
 * later is the same for every instance, and each still serves within its grace).
 * From SIGTERM on (an app built by `createServiceApp`), `draining` is an `unhealthy` check of both.
 */
export function registerHealthRoute(app: FastifyInstance, check: HealthCheck): void {
  const auth = (app as { hivematrixAuth?: { verifier?: { revocationHealth?: () => CheckResult } } }).hivematrixAuth;
  const drain = drainStateOf(app);
  // The event loop's delay since the previous liveness probe, reported (not judged: a long PDF
  // render may block it for a while, and restarting the process for that would lose the work).
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  app.addHook('onClose', async () => loop.disable());
  // Probed every few seconds by helm and load balancers: not worth a log line each.
  const probe = { config: { rateLimit: false }, logLevel: 'warn' } as const;

  app.get(HEALTH_PATHS.report, probe, async (_request, reply) => {
    let report = await check.run();
    const feed = auth?.verifier?.revocationHealth?.();
    if (feed !== undefined) report = addCheck(report, 'revocation_feed', feed);
    // An instance that received SIGTERM is not ready: 503 with `checks.draining` (see runService).
    const draining = drain?.health();
    if (draining !== undefined) report = addCheck(report, 'draining', draining);
    return reply.code(report.statusCode).header('Cache-Control', 'no-store').send(report.body);
  });

  app.get(HEALTH_PATHS.ready, probe, async (_request, reply) => {
    let report = await check.ready();
    const feed = auth?.verifier?.revocationHealth?.();
    if (feed?.status === 'unhealthy') report = addReadinessCheck(report, 'revocation_feed', feed);
    const draining = drain?.health();
    if (draining !== undefined) report = addReadinessCheck(report, 'draining', draining);
    return reply.code(report.statusCode).header('Cache-Control', 'no-store').send(report.body);
  });

  app.get(HEALTH_PATHS.live, probe, async (_request, reply) => {
    const eventLoop = { status: 'healthy', mean_delay_ms: ms(loop.mean), max_delay_ms: ms(loop.max) };
    loop.reset();
    // `draining` is told so a reader sees why the instance left rotation; it is still alive.
    const body = {
      service: check.service,
      status: 'healthy',
      timestamp: new Date().toISOString(),
      draining: drain?.draining ?? false,
      checks: { event_loop: eventLoop },
    };
    return reply.code(200).header('Cache-Control', 'no-store').send(body);
  });
}
