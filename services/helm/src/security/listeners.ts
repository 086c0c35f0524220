/**
 * Which addresses are listening on which TCP ports, read from the kernel's socket tables
 * (/proc/net/tcp and /proc/net/tcp6, proc(5)): no `ss` or `netstat` needed, nothing to install.
 */
import { readFile } from 'node:fs/promises';

/** A listening TCP socket. */
export interface Listener {
  address: string;
  port: number;
}

/** The kernel's state code for LISTEN (include/net/tcp_states.h: TCP_LISTEN = 10). */
const LISTEN = '0A';

/** The four bytes of a 32-bit word the kernel printed in host (little-endian) order. */
function wordBytes(hex: string): number[] {
  const value = Number.parseInt(hex, 16);
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** RFC 5952 §4.2: the longest run of two or more zero groups becomes `::`. */
function compress(groups: readonly string[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length; start += 1) {
    let length = 0;
    while (groups[start + length] === '0') length += 1;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

/** `0100007F` → `127.0.0.1`; 32 hex digits → an IPv6 address (`::` for all zeroes, `::1` …). */
export function decodeAddress(hex: string): string {
  if (hex.length === 8) return wordBytes(hex).join('.');
  const bytes: number[] = [];
  for (let index = 0; index < 32; index += 8) bytes.push(...wordBytes(hex.slice(index, index + 8)));
  if (bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2)
    groups.push((((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16));
  return compress(groups);
}

/** The LISTEN sockets of one table's text. */
export function parseProcNetTcp(text: string): Listener[] {
  const listeners: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (local === undefined || fields[3] !== LISTEN) continue;
    const [address, port] = local.split(':');
    if (address === undefined || port === undefined) continue;
    listeners.push({ address: decodeAddress(address), port: Number.parseInt(port, 16) });
  }
  return listeners;
}

/** Every listening socket of both tables (a missing table, e.g. IPv6 disabled, counts as empty). */
export async function readListeners(
  files: readonly string[] = ['/proc/net/tcp', '/proc/net/tcp6'],
): Promise<Listener[]> {
  const all: Listener[] = [];
  for (const file of files) {
    try {
      all.push(...parseProcNetTcp(await readFile(file, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return all;
}

/** Loopback only: 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
