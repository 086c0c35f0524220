/**
 * Service processes as process groups. Each service is spawned as the leader of its own group
 * (`setsid`), so stopping it signals the whole group: workers or helpers it started go too, which
 * the original's PID-only kill left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** How a process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned service process. */
export interface GroupProcess {
  pid: number;
  child: ChildProcess;
  /** Settles when the leader has exited. */
  exited: Promise<ExitInfo>;
}

/** What to run. */
export interface SpawnSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Receives stdout and stderr chunks. */
  onOutput: (chunk: Buffer) => void;
}

/** Starts `spec` as the leader of a new process group. Throws when it cannot be spawned. */
export async function spawnGroup(spec: SpawnSpec): Promise<GroupProcess> {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', spec.onOutput);
  child.stderr.on('data', spec.onOutput);
  const exited = new Promise<ExitInfo>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  return { pid: child.pid, child, exited };
}

/** Sends `signal` to every process of group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Whether any process of group `pgid` is still alive. */
export function groupExists(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

/** The state letter and process group of `pid` from /proc (Linux); undefined where unreadable. */
export function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/**
 * Live (not zombie) processes of group `pgid`. A process whose parent died is re-parented to
 * init, which in some containers never reaps it: a zombie holds no resources and cannot be
 * killed, so it does not count. Without /proc, any process of the group counts.
 */
export function liveGroupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return groupExists(pgid) ? [pgid] : [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    const stat = procStat(Number(entry));
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X')
      members.push(Number(entry));
  }
  return members;
}

/** Waits (polling every 20 ms) until group `pgid` has no live process; false after `timeoutMs`. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (liveGroupMembers(pgid).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Whether process `pid` is alive (EPERM: alive, but another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const state = procStat(pid)?.state;
  return state !== 'Z' && state !== 'X';
}

/** Resident memory of `pid` in MiB from /proc (Linux); undefined where it cannot be read. */
export function residentMemoryMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? undefined : Math.round((Number(match[1]) / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

/** The command line of `pid` (Linux), to recognise our own processes before signalling them. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}
