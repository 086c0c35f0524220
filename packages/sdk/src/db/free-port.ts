/**
 * Free ports for servers that the caller starts a moment later (tests, a cloned platform, helm's
 * embedded PostgreSQL), with a reservation that holds across processes until the caller binds.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A free port on 127.0.0.1. It is chosen at random below the kernel's ephemeral range and probed by
 * binding it: a port the kernel hands out for port 0 comes from the range it also hands to outgoing
 * connections, so on a busy machine a client socket of another process could take it before the
 * caller listens (seen as EADDRINUSE when two browser tests started platforms side by side).
 *
 * A probe only says the port is free now; the caller binds it later, often in a child process and
 * after minutes (a browser test installs a clone before starting it). So every port handed out is
 * also reserved, in this process and in a file under the system's temporary folder that names this
 * process: another process's `freePort` skips it while this process lives (two browser tests once
 * gave the same port to two platforms, and one service could not start).
 */
export async function freePort(): Promise<number> {
  const ephemeralLow = await ephemeralRangeStart();
  const low = 10_000;
  for (let attempt = 0; attempt < 50 && ephemeralLow > low; attempt += 1) {
    const port = low + Math.floor(Math.random() * (ephemeralLow - low));
    if ((await reserve(port)) && (await listenProbe(port)) !== undefined) return port;
  }
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await listenProbe(0);
    if (port !== undefined && (await reserve(port))) return port;
  }
  throw new Error('could not probe a free port');
}

/** Ports this process reserved (its files are removed when it exits). */
const reserved = new Set<number>();
const RESERVATIONS = path.join(tmpdir(), 'hivematrix-ports');
let releaseOnExit = false;

/**
 * Reserves `port` for this process: false when this process already handed it out or another live
 * process holds its reservation. A reservation left by a process that died is taken over.
 */
async function reserve(port: number): Promise<boolean> {
  // Claimed in memory before the first await, so concurrent calls in this process never share a port.
  if (reserved.has(port)) return false;
  reserved.add(port);
  if (!releaseOnExit) process.once('exit', releaseAll);
  releaseOnExit = true;
  const file = path.join(RESERVATIONS, String(port));
  try {
    await mkdir(RESERVATIONS, { recursive: true, mode: 0o1777 });
    await writeFile(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false; // an unwritable folder: skip the port
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (isAlive(holder)) return false;
    await writeFile(file, String(process.pid)).catch(() => undefined);
    return true;
  }
}

/** Removes this process's reservation files (synchronously: it runs on exit). */
function releaseAll(): void {
  for (const port of reserved) {
    const file = path.join(RESERVATIONS, String(port));
    try {
      if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // already gone, or taken over
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, but belongs to another user
  }
}

/** The first port of the kernel's ephemeral range (Linux; 32768 elsewhere, its usual value). */
async function ephemeralRangeStart(): Promise<number> {
  try {
    const first = Number((await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

/** Binds `port` (0: any) on 127.0.0.1 and closes it again; the port bound, or undefined when taken. */
async function listenProbe(port: number): Promise<number | undefined> {
  const probe = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (!bound) return undefined;
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return address === null || typeof address === 'string' ? undefined : address.port;
}
