/**
 * The metrics sampler: every `intervalMs` it reads each running service's process group from
 * /proc, turns the CPU-time delta since the previous round into a percentage, and stores one
 * sample per service (CPU, memory, restarts, state, health) in helm's database. Samples older
 * than the retention are pruned once an hour. Time and /proc are inputs, so tests drive rounds.
 */
import { insertSamples, pruneSamples } from '../db/index.js';
import type { NewMetricSample, HelmDb } from '../db/index.js';
import type { PlatformStatus } from '../status.js';
import { cpuPercent, groupUsage, readProcTable } from './proc.js';

/** What the sampler needs. */
export interface SamplerDeps {
  db: HelmDb;
  status: () => PlatformStatus;
  now: () => Date;
  /** How long samples are kept. */
  retentionMs: number;
  /** Where /proc is (tests point it at a fake tree). */
  procRoot?: string;
}

const PRUNE_EVERY_MS = 3_600_000;

/** Takes samples; `round()` is one sampling pass. */
export class MetricsSampler {
  private readonly previous = new Map<string, { pid: number; ticks: number; at: number }>();
  private lastPrune = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: SamplerDeps) {}

  /** Samples every service once and stores the round; returns what was stored. */
  async round(): Promise<NewMetricSample[]> {
    const at = this.deps.now();
    const table = await readProcTable(this.deps.procRoot);
    const samples: NewMetricSample[] = [];
    for (const service of this.deps.status().services) {
      if (service.state === 'not_installed' || service.state === 'disabled') continue;
      // Helm is the daemon process, whose group also holds the embedded PostgreSQL: it is measured alone.
      const usage =
        service.pid === null
          ? undefined
          : await groupUsage(table, service.pid, this.deps.procRoot, { alone: service.name === 'helm' });
      let cpu: number | null = null;
      if (usage !== undefined && service.pid !== null) {
        const before = this.previous.get(service.name);
        // The first round after a (re)start has nothing to compare with: no CPU figure yet.
        if (before?.pid === service.pid)
          cpu = cpuPercent(before.ticks, usage.cpuTicks, at.getTime() - before.at) ?? null;
        this.previous.set(service.name, { pid: service.pid, ticks: usage.cpuTicks, at: at.getTime() });
      } else {
        this.previous.delete(service.name);
      }
      samples.push({
        at,
        serviceName: service.name,
        state: service.state,
        health: service.health,
        pid: usage === undefined ? null : service.pid,
        cpuPercent: cpu,
        memoryMb: usage?.memoryMb ?? null,
        restarts: service.restarts,
      });
    }
    await insertSamples(this.deps.db, samples);
    if (at.getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = at.getTime();
      await pruneSamples(this.deps.db, new Date(at.getTime() - this.deps.retentionMs));
    }
    return samples;
  }

  /** Samples now and every `intervalMs`; a round still running when the next is due is not doubled. */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    const tick = (): void => {
      if (this.running !== undefined) return;
      this.running = this.round()
        .then(() => undefined)
        .catch(onError)
        .finally(() => {
          this.running = undefined;
        });
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
