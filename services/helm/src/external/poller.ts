/**
 * External mode's view of the services: helm runs none of them, so what it knows is what each
 * one's `GET /health` answers, asked every few seconds at its URL from services.json (in a
 * cluster, its Service's name). The services expose no metrics endpoint (no pid, memory or CPU
 * to read from outside), so those fields stay empty; Kubernetes's own metrics cover them.
 */
import type { ServicesFile } from '@hivematrix/sdk';
import type { ServiceStatusView } from '../status.js';
import type { HealthProbe } from '../supervisor/index.js';

/** A service helm watches: its entry of services.json. */
export interface WatchedService {
  name: string;
  kind: 'core' | 'app';
  port: number;
  url: string;
}

/** The services of a services.json, in its order. */
export function watchedServices(file: ServicesFile): WatchedService[] {
  return Object.entries(file).map(([name, entry]) => ({ name, kind: entry.kind, port: entry.port, url: entry.url }));
}

/** What the last probe of one service found. */
interface Observation {
  health: 'healthy' | 'degraded' | 'unhealthy' | 'down' | 'unknown';
  message: string | null;
  /** When helm first saw it answer in the current unbroken run of answers (ms). */
  answeringSince: number | null;
}

export interface PollerDeps {
  services: readonly WatchedService[];
  probe: HealthProbe;
  timeoutMs: number;
  now: () => number;
}

/** Probes every watched service; `round()` is one pass, `start()` repeats it. */
export class HealthPoller {
  private readonly seen = new Map<string, Observation>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: PollerDeps) {}

  /** Asks every service once, all at the same time (one slow service does not delay the others). */
  async round(): Promise<void> {
    await Promise.all(
      this.deps.services.map(async (service) => {
        const result = await this.deps.probe(service.url, service.name, this.deps.timeoutMs);
        const before = this.seen.get(service.name);
        if (result.up) {
          this.seen.set(service.name, {
            health: result.status,
            message:
              result.status === 'healthy' ? null : `/health answered HTTP ${result.httpStatus} (${result.status})`,
            answeringSince: before?.answeringSince ?? this.deps.now(),
          });
        } else {
          this.seen.set(service.name, {
            health: 'down',
            message: `/health did not answer: ${result.error}`,
            answeringSince: null,
          });
        }
      }),
    );
  }

  /** Repeats `round()` every `intervalMs`; a round never overlaps the previous one. */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => {
      if (this.running !== undefined) return;
      this.running = this.round()
        .catch(onError)
        .finally(() => {
          this.running = undefined;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Each service in the status shape. `running` means it answers its health check (its health
   * says how well); `unreachable` that it does not; `unknown` before the first probe. Uptime is
   * how long helm has seen it answer without a break.
   */
  views(): ServiceStatusView[] {
    const now = this.deps.now();
    return this.deps.services.map((service) => {
      const seen = this.seen.get(service.name);
      const since = seen?.answeringSince ?? null;
      return {
        name: service.name,
        kind: service.kind,
        port: service.port,
        url: service.url,
        pid: null,
        state: seen === undefined ? 'unknown' : seen.health === 'down' ? 'unreachable' : 'running',
        health: seen?.health ?? 'unknown',
        restarts: 0,
        uptime_s: since === null ? null : Math.round((now - since) / 1000),
        memory_mb: null,
        started_at: null,
        message: seen?.message ?? null,
        log_file: '',
        log_tail: [],
      };
    });
  }
}
