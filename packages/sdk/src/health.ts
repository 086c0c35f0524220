/**
 * `GET /health`: the platform's health contract, `{service, status, timestamp, checks}`, answering
 * 200 only when healthy and 503 otherwise (helm's console and people read it), and the narrower
 * readiness answer (`ready()`, served at `/health/ready` by `http/health-routes.ts`) that looks only
 * at the instance's own state, so a balancer never drops an instance because a dependency is down.
 *
 * Unlike the original, checks run concurrently, each under its own timeout, so one hung dependency
 * cannot stall the endpoint, and a dependency that reports itself degraded makes us degraded rather
 * than passing its 503 on down the chain as a failure. Error messages are scrubbed of credentials.
 */
import { promises as fsPromises } from 'node:fs';
import type { CheckResult, HealthStatus } from './health-check.js';

export type { CheckResult, HealthStatus } from './health-check.js';

export type DatabaseCheck =
  | { status: 'healthy'; latency_ms: number; type: 'postgresql' }
  | { status: 'unhealthy'; error: string; type: 'postgresql' };

export type DiskCheck =
  | { status: HealthStatus; usage_percent: number; free_gb: number; total_gb: number }
  | { status: 'unknown'; error: string };

export type DependencyCheck =
  | { status: 'healthy'; response_time_ms: number }
  | { status: 'degraded'; http_status: number; response_time_ms: number }
  | { status: 'unhealthy'; http_status: number }
  | { status: 'unhealthy'; error: string };

export interface HealthBody {
  service: string;
  status: HealthStatus;
  /** ISO 8601, UTC. */
  timestamp: string;
  checks: {
    database?: DatabaseCheck;
    disk: DiskCheck;
    dependencies?: Record<string, DependencyCheck>;
    [extra: string]: unknown;
  };
}

export interface HealthReport {
  statusCode: 200 | 503;
  body: HealthBody;
}

/** The fields of `fs.statfs` used here (sizes in blocks of `bsize` bytes). */
export interface FsStats {
  blocks: number;
  bsize: number;
  bfree: number;
  bavail: number;
}

export interface HealthCheckOptions {
  service: string;
  /** Pings the service's database (e.g. `SELECT 1`). */
  database?: { ping(): Promise<void> };
  /** Services this one needs; each is asked `GET {url}/health`. */
  dependencies?: readonly { name: string; url: string }[];
  /** The filesystem whose usage is reported. Default `/`. */
  diskPath?: string;
  statfs?: (path: string) => Promise<FsStats>;
  fetch?: typeof globalThis.fetch;
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Per-check timeout. Default 3000 ms, as the original's dependency timeout. */
  timeoutMs?: number;
  /** More checks (e.g. Redis); `unhealthy` makes the service unhealthy, `degraded`/`unknown` degraded. */
  extraChecks?: Readonly<Record<string, () => Promise<CheckResult>>>;
  /**
   * Names of `extraChecks` that are the instance's own state (its session store, say) and so
   * count for readiness as the database does. Dependencies never do.
   */
  readiness?: readonly string[];
}

/**
 * The readiness answer: only the instance's own checks (its database, the `readiness` extra
 * checks); 503 only when one of them is `unhealthy` (a degraded instance still serves).
 */
export interface ReadinessBody {
  service: string;
  status: HealthStatus;
  /** ISO 8601, UTC. */
  timestamp: string;
  checks: { database?: DatabaseCheck; [own: string]: unknown };
}

export interface ReadinessReport {
  statusCode: 200 | 503;
  body: ReadinessBody;
}

export interface HealthCheck {
  /** The service's name, as in every report. */
  readonly service: string;
  /** The detailed report of `/health` (dependencies, disk, every extra check). */
  run(): Promise<HealthReport>;
  /** The readiness report: the database and the `readiness` extra checks, nothing else. */
  ready(): Promise<ReadinessReport>;
}

const GB = 1024 ** 3;
const MAX_ERROR_LENGTH = 200;

class TimeoutError extends Error {
  constructor() {
    super('timeout');
    this.name = 'TimeoutError';
  }
}

/** Settles like `work`, or rejects with `TimeoutError` after `ms` (aborting `controller` if given). */
async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort(new TimeoutError());
      reject(new TimeoutError());
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An error message safe to publish: credentials in URLs (`postgres://user:pass@host`) and
 * `password=` pairs are masked, and the text is cut to a sane length.
 */
export function scrubError(error: unknown): string {
  if (error instanceof TimeoutError) return 'timeout';
  const raw = error instanceof Error ? error.message : String(error);
  const scrubbed = raw
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@')
    .replace(/\b(password|passwd|pwd)\s*=\s*('[^']*'|"[^"]*"|\S+)/gi, '$1=***');
  return scrubbed.length > MAX_ERROR_LENGTH ? `${scrubbed.slice(0, MAX_ERROR_LENGTH)}…` : scrubbed;
}

/** True when the error (or a cause, or one of an AggregateError's errors) is a refused connection. */
function isConnectionRefused(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  if ('code' in error && error.code === 'ECONNREFUSED') return true;
  if ('cause' in error && isConnectionRefused(error.cause, depth + 1)) return true;
  return error instanceof AggregateError && error.errors.some((inner) => isConnectionRefused(inner, depth + 1));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Disk usage as the original computed it (`shutil.disk_usage`): used = total - free blocks. */
function diskResult(stats: FsStats): DiskCheck {
  const total = stats.blocks * stats.bsize;
  const used = (stats.blocks - stats.bfree) * stats.bsize;
  const available = stats.bavail * stats.bsize;
  const usage = total > 0 ? (used / total) * 100 : 0;
  const status: HealthStatus = usage >= 95 ? 'unhealthy' : usage >= 85 ? 'degraded' : 'healthy';
  return { status, usage_percent: round2(usage), free_gb: round2(available / GB), total_gb: round2(total / GB) };
}

/** Reads a dependency's health body (bounded by the same timeout) and returns its `status`, if any. */
async function reportedStatus(response: Response): Promise<unknown> {
  try {
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null && 'status' in body ? body.status : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the health check of a service; call `run()` per request (or use `registerHealthRoute`). */
export function createHealthCheck(options: HealthCheckOptions): HealthCheck {
  const now = options.now ?? Date.now;
  const statfs = options.statfs ?? ((path: string) => fsPromises.statfs(path));
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 3000;
  const diskPath = options.diskPath ?? '/';

  async function checkDatabase(database: { ping(): Promise<void> }): Promise<DatabaseCheck> {
    const started = now();
    try {
      await withTimeout(() => database.ping(), timeoutMs);
      return { status: 'healthy', latency_ms: Math.round(now() - started), type: 'postgresql' };
    } catch (error) {
      return { status: 'unhealthy', error: scrubError(error), type: 'postgresql' };
    }
  }

  async function checkDisk(): Promise<DiskCheck> {
    try {
      return diskResult(await withTimeout(() => statfs(diskPath), timeoutMs));
    } catch (error) {
      return { status: 'unknown', error: scrubError(error) };
    }
  }

  async function checkDependency(url: string): Promise<DependencyCheck> {
    const started = now();
    try {
      return await withTimeout(async (signal) => {
        const response = await fetchImpl(`${url.replace(/\/+$/, '')}/health`, {
          signal,
          headers: { accept: 'application/json' },
        });
        const elapsed = Math.round(now() - started);
        if (response.status === 200) {
          await response.body?.cancel();
          return { status: 'healthy', response_time_ms: elapsed };
        }
        // A 503 that says "degraded" is a service that still answers: we are degraded, not down.
        const status = response.status === 503 ? await reportedStatus(response) : undefined;
        if (response.bodyUsed === false) await response.body?.cancel();
        if (status === 'degraded')
          return { status: 'degraded', http_status: response.status, response_time_ms: elapsed };
        return { status: 'unhealthy', http_status: response.status };
      }, timeoutMs);
    } catch (error) {
      if (error instanceof TimeoutError) return { status: 'unhealthy', error: 'timeout' };
      if (isConnectionRefused(error)) return { status: 'unhealthy', error: 'connection_refused' };
      const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
      return { status: 'unhealthy', error: scrubError(cause) };
    }
  }

  async function checkExtra(check: () => Promise<CheckResult>): Promise<CheckResult> {
    try {
      return await withTimeout(() => check(), timeoutMs);
    } catch (error) {
      return { status: 'unhealthy', error: scrubError(error) };
    }
  }

  const ownExtras = Object.entries(options.extraChecks ?? {}).filter(([name]) =>
    (options.readiness ?? []).includes(name),
  );

  return {
    service: options.service,
    async ready(): Promise<ReadinessReport> {
      const [database, extraResults] = await Promise.all([
        options.database === undefined ? undefined : checkDatabase(options.database),
        Promise.all(ownExtras.map(([, check]) => checkExtra(check))),
      ]);
      const checks: ReadinessBody['checks'] = {};
      if (database !== undefined) checks.database = database;
      ownExtras.forEach(([name], index) => {
        if (name !== 'database') checks[name] = extraResults[index];
      });
      const statuses = [database?.status, ...extraResults.map((result) => result.status)];
      const status: HealthStatus = statuses.includes('unhealthy')
        ? 'unhealthy'
        : statuses.some((entry) => entry !== undefined && entry !== 'healthy')
          ? 'degraded'
          : 'healthy';
      return {
        statusCode: status === 'unhealthy' ? 503 : 200,
        body: { service: options.service, status, timestamp: new Date(now()).toISOString(), checks },
      };
    },

    async run(): Promise<HealthReport> {
      const dependencies = options.dependencies ?? [];
      const extras = Object.entries(options.extraChecks ?? {});
      const [database, disk, dependencyResults, extraResults] = await Promise.all([
        options.database === undefined ? undefined : checkDatabase(options.database),
        checkDisk(),
        Promise.all(dependencies.map((dependency) => checkDependency(dependency.url))),
        Promise.all(extras.map(([, check]) => checkExtra(check))),
      ]);

      const checks: HealthBody['checks'] = { disk };
      if (database !== undefined) checks.database = database;
      if (dependencies.length > 0) {
        const byName: Record<string, DependencyCheck> = {};
        dependencies.forEach((dependency, index) => {
          const result = dependencyResults[index];
          if (result !== undefined) byName[dependency.name] = result;
        });
        checks.dependencies = byName;
      }
      extras.forEach(([name], index) => {
        if (name !== 'database' && name !== 'disk' && name !== 'dependencies') checks[name] = extraResults[index];
      });

      const critical = [database?.status, disk.status, ...extraResults.map((result) => result.status)];
      const minor = [
        disk.status,
        ...dependencyResults.map((result) => result.status),
        ...extraResults.map((result) => result.status),
      ];
      const status: HealthStatus = critical.includes('unhealthy')
        ? 'unhealthy'
        : minor.some((entry) => entry !== 'healthy')
          ? 'degraded'
          : 'healthy';
      return {
        statusCode: status === 'healthy' ? 200 : 503,
        body: { service: options.service, status, timestamp: new Date(now()).toISOString(), checks },
      };
    },
  };
}
