/** Helpers for supervisor tests: fake services on free ports, fast policies, waiting on events. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@hivematrix/sdk/db';
import { httpHealthProbe } from '../src/supervisor/health-probe.js';
import { systemClock, type SupervisorPolicy } from '../src/supervisor/policy.js';
import type { ServiceUnit, UnitSpec, UnitStatus } from '../src/supervisor/unit.js';

export const FAKE_SERVICE = path.join(import.meta.dirname, 'fixtures', 'fake-service.ts');

/** A policy with short times, so tests of crashes and give-ups take a second, not minutes. */
export function fastPolicy(overrides: Partial<SupervisorPolicy> = {}): SupervisorPolicy {
  return {
    startTimeoutMs: 5000,
    readyTimeoutMs: 300,
    stopGraceMs: 2000,
    maxCrashes: 3,
    crashWindowMs: 60_000,
    backoffInitialMs: 50,
    backoffMaxMs: 400,
    healthIntervalMs: 200,
    startingProbeMs: 25,
    probeTimeoutMs: 1000,
    logMaxBytes: 1024 * 1024,
    logKeep: 2,
    ...overrides,
  };
}

export const unitOptions = (policy = fastPolicy()) => ({ policy, clock: systemClock, probe: httpHealthProbe });

/** A spec running the fake service as `name` on a free port, with extra environment. */
export async function fakeSpec(name: string, env: Record<string, string> = {}, logDir?: string): Promise<UnitSpec> {
  const port = await freePort();
  const dir = logDir ?? (await mkdtemp(path.join(tmpdir(), 'hm-helm-sup-')));
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    port,
    command: process.execPath,
    args: [FAKE_SERVICE],
    cwd: dir,
    env: async () => ({ PATH: process.env.PATH ?? '', SERVICE_NAME: name, PORT: String(port), ...env }),
    logFile: path.join(dir, `${name}.log`),
  };
}

/** Resolves with the first status of `unit` (now or later) that satisfies `predicate`. */
export function waitFor(
  unit: ServiceUnit,
  predicate: (status: UnitStatus) => boolean,
  timeoutMs = 10_000,
): Promise<UnitStatus> {
  const current = unit.status();
  if (predicate(current)) return Promise.resolve(current);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unit.off('change', listener);
      reject(new Error(`timed out waiting for ${unit.name}; last status ${JSON.stringify(unit.status())}`));
    }, timeoutMs);
    const listener = (status: UnitStatus): void => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      unit.off('change', listener);
      resolve(status);
    };
    unit.on('change', listener);
  });
}

/** Whether a process is alive (a zombie is not). */
export { processAlive as alive } from '../src/supervisor/process-group.js';
