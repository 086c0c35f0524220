/** The supervisor's tunables and clock, as inputs (tests shorten the times and freeze nothing else). */
import { exponentialDelay } from '@hivematrix/sdk';
import type { SupervisorSettings } from '../settings/index.js';

/** Timing and limits of supervision, in milliseconds. */
export interface SupervisorPolicy {
  /** A starting service must answer /health at all within this. */
  startTimeoutMs: number;
  /** An answering service may stay degraded this long before it counts as ready anyway. */
  readyTimeoutMs: number;
  /** Between SIGTERM and SIGKILL. */
  stopGraceMs: number;
  /** Crashes within `crashWindowMs` that mark a service failed. */
  maxCrashes: number;
  crashWindowMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Probe interval once ready. */
  healthIntervalMs: number;
  /** Probe interval while starting. */
  startingProbeMs: number;
  /** Timeout of one probe. */
  probeTimeoutMs: number;
  logMaxBytes: number;
  logKeep: number;
}

/** Timers and time, injectable. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The policy from the master configuration's `supervisor` section. */
export function policyFromSettings(settings: SupervisorSettings): SupervisorPolicy {
  return {
    startTimeoutMs: settings.start_timeout_s * 1000,
    readyTimeoutMs: settings.ready_timeout_s * 1000,
    stopGraceMs: settings.stop_grace_s * 1000,
    maxCrashes: settings.max_crashes,
    crashWindowMs: settings.crash_window_s * 1000,
    backoffInitialMs: settings.backoff_initial_ms,
    backoffMaxMs: settings.backoff_max_ms,
    healthIntervalMs: settings.health_interval_s * 1000,
    startingProbeMs: 200,
    probeTimeoutMs: 2000,
    logMaxBytes: settings.log_max_bytes,
    logKeep: settings.log_keep,
  };
}

/** The delay before restart number `crashes` (1-based): doubling from the initial, capped. */
export function backoffDelay(policy: SupervisorPolicy, crashes: number): number {
  return exponentialDelay(policy.backoffInitialMs, policy.backoffMaxMs)(crashes);
}
