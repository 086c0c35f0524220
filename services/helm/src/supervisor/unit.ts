/**
 * One supervised service: its process, its state, and the rules that keep it running.
 *
 *   stopped → starting → running (ready once healthy, or after the ready timeout while degraded)
 *   a crash → backoff (exponential) → starting …; too many crashes in the window, or exit 78
 *   (EX_CONFIG: restarting cannot help) → failed; stop → stopping → stopped.
 *
 * Every transition emits `change`, which is what tests and the daemon's progress wait on.
 */
import { EventEmitter } from 'node:events';
import { RotatingLog, tailLines } from './log-file.js';
import { backoffDelay } from './policy.js';
import {
  residentMemoryMb,
  signalGroup,
  spawnGroup,
  waitGroupGone,
  type ExitInfo,
  type GroupProcess,
} from './process-group.js';
import {
  describeExit,
  type StartOutcome,
  type UnitHealth,
  type UnitOptions,
  type UnitSpec,
  type UnitState,
  type UnitStatus,
} from './unit-types.js';

export {
  describeExit,
  type StartOutcome,
  type UnitHealth,
  type UnitOptions,
  type UnitSpec,
  type UnitState,
  type UnitStatus,
} from './unit-types.js';

/** A supervised service. */
export class ServiceUnit extends EventEmitter<{ change: [UnitStatus] }> {
  private proc: GroupProcess | undefined;
  private state: UnitState = 'stopped';
  private health: UnitHealth = 'unknown';
  private restarts = 0;
  private crashes: number[] = [];
  private startedAt: number | null = null;
  private upAt: number | null = null;
  private requestedAt = 0;
  private ready = false;
  private message: string | null = null;
  private logTail: string[] = [];
  private generation = 0;
  private probeTimer: unknown;
  private backoffTimer: unknown;
  private waiters: ((outcome: StartOutcome) => void)[] = [];
  private spawning: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly log: RotatingLog;

  constructor(
    private spec: UnitSpec,
    private readonly options: UnitOptions,
  ) {
    super();
    this.log = new RotatingLog(spec.logFile, { maxBytes: options.policy.logMaxBytes, keep: options.policy.logKeep });
  }

  get name(): string {
    return this.spec.name;
  }

  /** Replaces how the service is run; takes effect at its next start. */
  update(spec: UnitSpec): void {
    this.spec = spec;
  }

  /** The current status. */
  status(): UnitStatus {
    const now = this.options.clock.now();
    const pid = this.proc?.pid ?? null;
    return {
      name: this.spec.name,
      port: this.spec.port,
      url: this.spec.url,
      pid,
      state: this.state,
      health: this.health,
      restarts: this.restarts,
      startedAt: this.startedAt,
      uptimeMs: this.startedAt === null || pid === null ? null : now - this.startedAt,
      memoryMb: pid === null ? null : (residentMemoryMb(pid) ?? null),
      message: this.message,
      logTail: this.logTail,
    };
  }

  private changed(): void {
    this.emit('change', this.status());
  }

  private outcome(ok: boolean): StartOutcome {
    return {
      name: this.spec.name,
      ok,
      health: this.health,
      message: this.message,
      logTail: this.logTail,
      elapsedMs: this.options.clock.now() - this.requestedAt,
    };
  }

  private settle(ok: boolean): void {
    const waiters = this.waiters;
    this.waiters = [];
    const outcome = this.outcome(ok);
    for (const resolve of waiters) resolve(outcome);
  }

  /** Starts the service; resolves when it is ready, or has failed or was stopped. */
  async start(): Promise<StartOutcome> {
    if (this.stopping !== undefined) await this.stopping;
    if (this.state === 'running' && this.ready) return this.outcome(true);
    const outcome = new Promise<StartOutcome>((resolve) => this.waiters.push(resolve));
    if (this.state === 'stopped' || this.state === 'failed' || this.state === 'blocked') {
      this.crashes = [];
      this.message = null;
      this.logTail = [];
      this.requestedAt = this.options.clock.now();
      this.spawning = this.spawnProcess().finally(() => {
        this.spawning = undefined;
      });
    }
    return outcome;
  }

  /** Marks the unit as not started because of something else (a failed dependency). */
  block(reason: string): void {
    if (this.proc !== undefined) return;
    this.state = 'blocked';
    this.message = reason;
    this.settle(false);
    this.changed();
  }

  private write(message: string): void {
    const record = {
      level: 'info',
      time: new Date(this.options.clock.now()).toISOString(),
      service: 'helm',
      msg: message,
    };
    try {
      this.log.write(`${JSON.stringify(record)}\n`);
    } catch {
      // A full disk must not take supervision down with it.
    }
  }

  private async spawnProcess(): Promise<void> {
    const { clock } = this.options;
    const generation = ++this.generation;
    this.state = 'starting';
    this.health = 'unknown';
    this.ready = false;
    this.upAt = null;
    this.changed();
    let proc: GroupProcess;
    try {
      const env = await this.spec.env();
      this.write(`starting ${this.spec.name}: ${this.spec.command} ${this.spec.args.join(' ')}`);
      proc = await spawnGroup({
        command: this.spec.command,
        args: this.spec.args,
        cwd: this.spec.cwd,
        env,
        onOutput: (chunk) => {
          try {
            this.log.write(chunk);
          } catch {
            // See write().
          }
        },
      });
    } catch (error) {
      this.fail(`${this.spec.name} could not be started: ${(error as Error).message}`);
      return;
    }
    this.proc = proc;
    this.startedAt = clock.now();
    this.write(`started ${this.spec.name} (pid ${proc.pid})`);
    void proc.exited.then((info) => this.onExit(generation, proc, info));
    this.scheduleProbe(generation, this.options.policy.startingProbeMs);
    this.changed();
  }

  private scheduleProbe(generation: number, delay: number): void {
    this.options.clock.clearTimeout(this.probeTimer);
    this.probeTimer = this.options.clock.setTimeout(() => void this.probe(generation), delay);
  }

  private async probe(generation: number): Promise<void> {
    const { policy, clock } = this.options;
    const result = await this.options.probe(this.spec.url, this.spec.name, policy.probeTimeoutMs);
    if (generation !== this.generation || this.proc === undefined || this.stopping !== undefined) return;
    const now = clock.now();
    const before = `${this.state}/${this.health}`;
    if (this.state === 'starting') {
      if (result.up) {
        this.state = 'running';
        this.upAt = now;
        this.health = result.status;
      } else if (now - (this.startedAt ?? now) >= policy.startTimeoutMs) {
        const proc = this.proc;
        this.fail(
          `${this.spec.name} did not answer /health within ${policy.startTimeoutMs / 1000} s (${result.error})`,
        );
        signalGroup(proc.pid, 'SIGKILL');
        return;
      }
    } else if (this.state === 'running') {
      this.health = result.up ? result.status : 'down';
    }
    if (this.state === 'running' && !this.ready) {
      const waited = now - (this.upAt ?? now);
      if (this.health === 'healthy') {
        this.ready = true;
        this.message = null;
        this.settle(true);
      } else if (waited >= policy.readyTimeoutMs) {
        this.ready = true;
        this.message = `${this.spec.name} answers but is ${this.health} after ${Math.round(waited / 100) / 10} s`;
        this.settle(true);
      }
    }
    if (`${this.state}/${this.health}` !== before) this.changed();
    this.scheduleProbe(generation, this.ready ? policy.healthIntervalMs : policy.startingProbeMs);
  }

  private onExit(generation: number, proc: GroupProcess, info: ExitInfo): void {
    // Whatever the leader left in its group goes with it.
    signalGroup(proc.pid, 'SIGKILL');
    if (generation !== this.generation || this.stopping !== undefined) return;
    const { policy, clock } = this.options;
    this.proc = undefined;
    this.options.clock.clearTimeout(this.probeTimer);
    if (this.state === 'failed') return;
    const now = clock.now();
    this.crashes = [...this.crashes.filter((time) => now - time < policy.crashWindowMs), now];
    const how = describeExit(info);
    this.write(`${this.spec.name} ${how}`);
    if (info.code === 78) {
      this.fail(`${this.spec.name} refused its configuration (exit status 78); fix it, then start it again`);
      return;
    }
    if (this.crashes.length >= policy.maxCrashes) {
      this.fail(
        `${this.spec.name} ${how}; it crashed ${this.crashes.length} times within ${policy.crashWindowMs / 1000} s, so it is not restarted`,
      );
      return;
    }
    const delay = backoffDelay(policy, this.crashes.length);
    this.state = 'backoff';
    this.health = 'down';
    this.message = `${this.spec.name} ${how}; restarting in ${delay} ms`;
    this.backoffTimer = clock.setTimeout(() => {
      if (generation !== this.generation || this.stopping !== undefined) return;
      this.restarts += 1;
      this.spawning = this.spawnProcess().finally(() => {
        this.spawning = undefined;
      });
    }, delay);
    this.changed();
  }

  private fail(reason: string): void {
    this.options.clock.clearTimeout(this.probeTimer);
    this.state = 'failed';
    this.health = 'down';
    this.message = reason;
    this.logTail = tailLines(this.spec.logFile, 20);
    this.write(reason);
    this.settle(false);
    this.changed();
  }

  /** Stops the service: SIGTERM to its group, SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const { clock, policy } = this.options;
    clock.clearTimeout(this.backoffTimer);
    clock.clearTimeout(this.probeTimer);
    if (this.spawning !== undefined) await this.spawning;
    const proc = this.proc;
    if (proc !== undefined) {
      this.state = 'stopping';
      this.changed();
      signalGroup(proc.pid, 'SIGTERM');
      const killer = clock.setTimeout(() => signalGroup(proc.pid, 'SIGKILL'), policy.stopGraceMs);
      const info = await proc.exited;
      clock.clearTimeout(killer);
      // The leader is gone; whatever is left of its group is killed, and we wait until it is.
      signalGroup(proc.pid, 'SIGKILL');
      await waitGroupGone(proc.pid, 2000);
      this.write(`stopped ${this.spec.name} (${describeExit(info)})`);
    }
    this.generation += 1;
    this.proc = undefined;
    this.state = 'stopped';
    this.message = null;
    this.health = 'unknown';
    this.startedAt = null;
    this.settle(false);
    this.log.close();
    this.changed();
  }
}
