/** Supervised service processes: process groups, units and their policy, health probes, log rotation. */
export { healthProbeTrusting, httpHealthProbe } from './health-probe.js';
export type { HealthProbe } from './health-probe.js';
export { rotateInPlace } from './log-file.js';
export { policyFromSettings, systemClock } from './policy.js';
export type { Clock } from './policy.js';
export { commandLine, liveGroupMembers, processAlive, residentMemoryMb, signalGroup } from './process-group.js';
export { Supervisor } from './supervisor.js';
export type { StartOutcome, UnitHealth, UnitSpec, UnitStatus } from './unit.js';
