/**
 * Reading a process group's CPU time and resident memory from Linux's /proc (proc(5)). Parsing
 * is separate from reading so the parsers are tested on fixed text. Each service is the leader of
 * its own process group (see supervisor/process-group.ts), so summing the group counts the
 * workers and helpers it started too.
 */
import { readdir, readFile } from 'node:fs/promises';

/** The fields of /proc/<pid>/stat the sampler uses. */
export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  /**
   * utime + stime + cutime + cstime, in clock ticks: the children's times count too, so the
   * group's total stays continuous when a member exits and its parent reaps it.
   */
  cpuTicks: number;
  /** utime + stime only: the process's own time. */
  ownTicks: number;
  /** Resident set size in pages. */
  rssPages: number;
}

/**
 * Parses one /proc/<pid>/stat line: "pid (comm) state ppid pgrp session tty tpgid flags minflt
 * cminflt majflt cmajflt utime stime … rss …". `comm` may hold spaces and parentheses, so fields
 * are counted from the last ')'. Undefined for text that is not a stat line.
 */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // After ") ": [0] state, [1] ppid, [2] pgrp, … [11] utime, [12] stime, [13] cutime, [14] cstime, … [21] rss.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const numbers = [1, 2, 11, 12, 13, 14, 21].map((index) => Number(fields[index]));
  if (!Number.isInteger(pid) || fields[0] === undefined || numbers.some((value) => !Number.isFinite(value)))
    return undefined;
  const [ppid, pgrp, utime, stime, cutime, cstime, rss] = numbers as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    pid,
    state: fields[0],
    ppid,
    pgrp,
    cpuTicks: utime + stime + cutime + cstime,
    ownTicks: utime + stime,
    rssPages: rss,
  };
}

/** VmRSS of a /proc/<pid>/status text, in kB; undefined when absent (a kernel thread, a zombie). */
export function parseStatusRssKb(text: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** CPU time and memory of a set of processes at one moment. */
export interface GroupUsage {
  /** Summed CPU ticks of the live members (see `ProcStat.cpuTicks`). */
  cpuTicks: number;
  /** Summed resident memory, MiB. */
  memoryMb: number;
  /** The live members counted, in ascending order (a /proc listing has no defined order). */
  pids: number[];
}

/**
 * Clock ticks per second (`getconf CLK_TCK`). Linux reports /proc times in USER_HZ, which is 100
 * on every architecture Node supports, and Node offers no sysconf to ask.
 */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Reads /proc (or `root`, for tests) into one table of stat lines, by pid. */
export async function readProcTable(root = '/proc'): Promise<Map<number, ProcStat>> {
  const table = new Map<number, ProcStat>();
  let entries: string[];
  try {
    entries = (await readdir(root)).filter((entry) => /^\d+$/.test(entry));
  } catch {
    return table;
  }
  await Promise.all(
    entries.map(async (entry) => {
      try {
        const stat = parseStat(await readFile(`${root}/${entry}/stat`, 'utf8'));
        if (stat !== undefined) table.set(stat.pid, stat);
      } catch {
        // The process ended between the listing and the read.
      }
    }),
  );
  return table;
}

/**
 * The usage of `pid` and, when it leads a process group (and `alone` is not set), of every live
 * member of that group.
 * Memory is VmRSS from /proc/<pid>/status (kB, exact), falling back to stat's pages × 4 KiB.
 * Undefined when `pid` is not in the table (it exited).
 */
export async function groupUsage(
  table: ReadonlyMap<number, ProcStat>,
  pid: number,
  root = '/proc',
  options: { alone?: boolean } = {},
): Promise<GroupUsage | undefined> {
  const leader = table.get(pid);
  if (leader === undefined) return undefined;
  const isLeader = leader.pgrp === pid && options.alone !== true;
  const members = isLeader
    ? [...table.values()].filter((stat) => stat.pgrp === pid && stat.state !== 'Z' && stat.state !== 'X')
    : [leader];
  let cpuTicks = 0;
  let memoryKb = 0;
  for (const member of members) {
    // A lone process (helm inside the daemon) counts only its own time: the children it reaps
    // are services, measured on their own.
    cpuTicks += isLeader ? member.cpuTicks : member.ownTicks;
    let rssKb: number | undefined;
    try {
      rssKb = parseStatusRssKb(await readFile(`${root}/${member.pid}/status`, 'utf8'));
    } catch {
      rssKb = undefined;
    }
    memoryKb += rssKb ?? member.rssPages * 4;
  }
  return {
    cpuTicks,
    memoryMb: Math.round((memoryKb / 1024) * 10) / 10,
    pids: members.map((member) => member.pid).sort((a, b) => a - b),
  };
}

/** Percent of one core used between two readings `elapsedMs` apart; undefined for a nonsense interval. */
export function cpuPercent(previousTicks: number, currentTicks: number, elapsedMs: number): number | undefined {
  if (elapsedMs <= 0 || currentTicks < previousTicks) return undefined;
  const seconds = (currentTicks - previousTicks) / CLOCK_TICKS_PER_SECOND;
  return Math.round((seconds / (elapsedMs / 1000)) * 1000) / 10;
}
