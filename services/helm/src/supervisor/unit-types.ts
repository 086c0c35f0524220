/** The shapes of supervision: how a service is run, what its status looks like, how a start ends. */
import type { HealthProbe } from './health-probe.js';
import type { Clock, SupervisorPolicy } from './policy.js';
import type { ExitInfo } from './process-group.js';

/** How to run a service. */
export interface UnitSpec {
  name: string;
  /** Base URL probed at `/health`. */
  url: string;
  port: number;
  command: string;
  args: string[];
  cwd: string;
  /** The environment, built at each start (so a regenerated env file is picked up). */
  env: () => Promise<Record<string, string>>;
  logFile: string;
}

export type UnitState = 'stopped' | 'starting' | 'running' | 'backoff' | 'stopping' | 'failed' | 'blocked';
export type UnitHealth = 'healthy' | 'degraded' | 'unhealthy' | 'down' | 'unknown';

/** A unit's state as status reports it. */
export interface UnitStatus {
  name: string;
  port: number;
  url: string;
  pid: number | null;
  state: UnitState;
  health: UnitHealth;
  /** Automatic restarts after crashes. */
  restarts: number;
  /** When the current process was started (epoch ms). */
  startedAt: number | null;
  uptimeMs: number | null;
  memoryMb: number | null;
  /** Why it failed, is degraded or is restarting. */
  message: string | null;
  /** The last lines of its log when it failed. */
  logTail: string[];
}

/** How a start request ended. */
export interface StartOutcome {
  name: string;
  ok: boolean;
  health: UnitHealth;
  message: string | null;
  logTail: string[];
  elapsedMs: number;
}

/** What a unit needs besides its spec. */
export interface UnitOptions {
  policy: SupervisorPolicy;
  clock: Clock;
  probe: HealthProbe;
}

/** Says how a process ended, for people. */
export function describeExit(info: ExitInfo): string {
  return info.signal !== null ? `was killed by ${info.signal}` : `exited with status ${info.code ?? '?'}`;
}
