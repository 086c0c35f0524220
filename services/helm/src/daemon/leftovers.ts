/**
 * Cleaning up after a daemon that died without stopping its services (SIGKILL, power loss):
 * its service processes still hold their ports and its PostgreSQL still holds the data folder.
 * Helm records its children in instance/run/children.json; a successor stops those that are
 * still alive and still what was recorded (the command line must match, since a PID can be
 * reused by an unrelated program after a reboot).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { commandLine, liveGroupMembers, processAlive, signalGroup } from '../supervisor/index.js';

/** A recorded service process. */
export interface ChildRecord {
  pid: number;
  /** A part of its command line that identifies it (its entry file). */
  marker: string;
}

/** Records the running children (synchronously: it must survive an abrupt end right after). */
export function recordChildren(file: string, children: Record<string, ChildRecord>): void {
  if (Object.keys(children).length === 0) {
    rmSync(file, { force: true });
    return;
  }
  writeFileSync(file, `${JSON.stringify(children, null, 2)}\n`, { mode: 0o600 });
}

function readChildren(file: string): Record<string, ChildRecord> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, ChildRecord>) : {};
  } catch {
    return {};
  }
}

/** Waits until `alive()` is false or `ms` passed; true when it ended. */
async function waitGone(alive: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Stops the service processes a previous daemon left running; returns their names. */
export async function stopLeftoverChildren(file: string, graceMs = 5000): Promise<string[]> {
  const stopped: string[] = [];
  for (const [name, record] of Object.entries(readChildren(file))) {
    if (!Number.isInteger(record.pid) || record.pid <= 1 || !processAlive(record.pid)) continue;
    const command = commandLine(record.pid);
    if (command !== undefined && !command.includes(record.marker)) continue;
    signalGroup(record.pid, 'SIGTERM');
    if (!(await waitGone(() => liveGroupMembers(record.pid).length > 0, graceMs))) signalGroup(record.pid, 'SIGKILL');
    stopped.push(name);
  }
  rmSync(file, { force: true });
  return stopped;
}

/**
 * Stops a PostgreSQL server still running on our data folder after its daemon died (fast
 * shutdown, SIGINT), so the new one can start. Only a postgres whose postmaster.pid names this
 * very folder is touched.
 */
export async function stopLeftoverPostgres(dataDir: string, graceMs = 15_000): Promise<boolean> {
  let content: string;
  try {
    content = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return false;
  }
  const [pidLine = '', dirLine = ''] = content.split('\n');
  const pid = Number.parseInt(pidLine, 10);
  if (!Number.isInteger(pid) || pid <= 1 || !processAlive(pid)) return false;
  if (path.resolve(dirLine.trim()) !== path.resolve(dataDir)) return false;
  const command = commandLine(pid);
  if (command !== undefined && !command.includes('postgres')) return false;
  process.kill(pid, 'SIGINT');
  if (!(await waitGone(() => processAlive(pid), graceMs))) process.kill(pid, 'SIGKILL');
  return true;
}
