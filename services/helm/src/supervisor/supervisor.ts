/**
 * The set of supervised services and their dependencies: starts them in order, each ready
 * before its dependants start (a dependant of a failed service is not started, and says why),
 * and stops them in reverse order.
 */
import { EventEmitter } from 'node:events';
import type { HealthProbe } from './health-probe.js';
import type { Clock, SupervisorPolicy } from './policy.js';
import { ServiceUnit, type StartOutcome, type UnitSpec, type UnitStatus } from './unit.js';

/** Options of a supervisor. */
export interface SupervisorOptions {
  policy: SupervisorPolicy;
  clock: Clock;
  probe: HealthProbe;
}

interface Entry {
  unit: ServiceUnit;
  dependsOn: string[];
}

/** Supervises a set of services. */
export class Supervisor extends EventEmitter<{ change: [UnitStatus] }> {
  private readonly entries = new Map<string, Entry>();
  /** Set by `stopAll`: a start sequence still running must not start anything more. */
  private closed = false;

  constructor(private readonly options: SupervisorOptions) {
    super();
  }

  /** Adds a service, or updates how an existing one is run (effective at its next start). */
  set(spec: UnitSpec, dependsOn: readonly string[]): ServiceUnit {
    const existing = this.entries.get(spec.name);
    if (existing !== undefined) {
      existing.unit.update(spec);
      existing.dependsOn = [...dependsOn];
      return existing.unit;
    }
    const unit = new ServiceUnit(spec, this.options);
    unit.on('change', (status) => this.emit('change', status));
    this.entries.set(spec.name, { unit, dependsOn: [...dependsOn] });
    return unit;
  }

  /** Stops a service and stops supervising it (a disabled app). */
  async remove(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (entry === undefined) return;
    await entry.unit.stop();
    entry.unit.removeAllListeners();
    this.entries.delete(name);
  }

  /** The unit called `name`. */
  unit(name: string): ServiceUnit | undefined {
    return this.entries.get(name)?.unit;
  }

  /** Names of the supervised services, in the order they were added. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The statuses of every service. */
  statuses(): UnitStatus[] {
    return [...this.entries.values()].map((entry) => entry.unit.status());
  }

  /**
   * Starts `order` one after another, each ready before the next. A service whose supervised
   * dependency did not become ready is blocked. Dependencies outside the supervisor (PostgreSQL,
   * disabled apps) are the caller's business.
   */
  async startInOrder(order: readonly string[], onOutcome?: (outcome: StartOutcome) => void): Promise<StartOutcome[]> {
    const outcomes = new Map<string, StartOutcome>();
    for (const name of order) {
      const entry = this.entries.get(name);
      if (this.closed) break;
      if (entry === undefined) continue;
      const brokenDependency = entry.dependsOn.find((dependency) => {
        const status = this.entries.get(dependency)?.unit.status();
        return (
          status !== undefined &&
          !(status.state === 'running' || status.state === 'starting' || status.state === 'backoff')
        );
      });
      let outcome: StartOutcome;
      if (brokenDependency !== undefined) {
        const state = this.entries.get(brokenDependency)?.unit.status().state ?? 'unknown';
        entry.unit.block(`${name} was not started because ${brokenDependency} is ${state}`);
        const status = entry.unit.status();
        outcome = { name, ok: false, health: status.health, message: status.message, logTail: [], elapsedMs: 0 };
      } else {
        outcome = await entry.unit.start();
      }
      outcomes.set(name, outcome);
      onOutcome?.(outcome);
    }
    return [...outcomes.values()];
  }

  /** Stops every service, dependants first (the reverse of `order`, then any others). */
  async stopAll(order: readonly string[] = this.names()): Promise<void> {
    this.closed = true;
    const reverse = [...order].reverse().filter((name) => this.entries.has(name));
    for (const name of this.names()) if (!reverse.includes(name)) reverse.push(name);
    for (const name of reverse) await this.entries.get(name)?.unit.stop();
  }
}
