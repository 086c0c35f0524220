/**
 * Ports for apps that do not declare one. The original used Python's salted `hash()`, so an
 * auto-detected app got a new port on every run and could land on a real service's port. Here a
 * port is a pure function of the set of apps: sha256 of the name picks a slot in a range that
 * avoids the platform's well-known ports, and a taken slot probes forward, apps taken in name
 * order so the result never depends on the order folders were listed in.
 */
import { createHash } from 'node:crypto';

/** Where assigned ports go: above the platform's 5000–5050 block, below common dev ports. */
export const AUTO_PORT_RANGE = { first: 5100, last: 5899 } as const;

/** An app as port assignment sees it: its name and, if it declares one, its port. */
export interface PortRequest {
  name: string;
  port?: number | undefined;
}

/** The slot sha256(name) points at inside the range. */
export function hashedSlot(name: string, size: number): number {
  const digest = createHash('sha256').update(name).digest();
  return digest.readUInt32BE(0) % size;
}

/**
 * Returns every app's port. Declared ports are kept (two apps declaring the same port is an error
 * naming both); the others are assigned deterministically and never collide with a declared port,
 * a reserved one, or each other.
 */
export function assignPorts(
  apps: readonly PortRequest[],
  reserved: Iterable<number> = [],
  range: { first: number; last: number } = AUTO_PORT_RANGE,
): Map<string, number> {
  const result = new Map<string, number>();
  const owners = new Map<number, string>();
  for (const app of [...apps].sort((a, b) => a.name.localeCompare(b.name))) {
    if (app.port === undefined) continue;
    const owner = owners.get(app.port);
    if (owner !== undefined) throw new Error(`port ${app.port} is declared by both ${owner} and ${app.name}`);
    owners.set(app.port, app.name);
    result.set(app.name, app.port);
  }
  const taken = new Set<number>([...owners.keys(), ...reserved]);
  const size = range.last - range.first + 1;
  const pending = apps
    .filter((app) => app.port === undefined)
    .map((app) => app.name)
    .sort();
  for (const name of pending) {
    const start = hashedSlot(name, size);
    let assigned: number | undefined;
    for (let step = 0; step < size; step += 1) {
      const candidate = range.first + ((start + step) % size);
      if (!taken.has(candidate)) {
        assigned = candidate;
        break;
      }
    }
    if (assigned === undefined) throw new Error(`no free port left in ${range.first}-${range.last} for ${name}`);
    taken.add(assigned);
    result.set(name, assigned);
  }
  return result;
}
