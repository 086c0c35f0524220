/**
 * Who may open which service through the gateway, decided from `services.json` alone.
 *
 * The original only used the registry's flags to draw the menu; any signed-in user could still
 * reach an admin-only service by typing its URL. Here the same rules decide the menu, the root
 * redirect and every proxied request. `visible` only hides an entry from the menu: it never grants
 * or denies access.
 */
import type { PermissionLevel, ServiceEntry, ServicesFile } from '@hivematrix/sdk';
import type { NavItem } from '../http/index.js';

/** Paths nexus answers itself; a service with one of these names can never be reached. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'api',
  'static',
  'login',
  'logout',
  'keycloak',
  'keycloak-callback',
  'backchannel-logout',
  'health',
  'favicon.ico',
  'nexus',
]);

/** Whether a user of `level` may open `entry` (admin_only, then the allowed levels). */
export function mayOpen(entry: ServiceEntry, level: PermissionLevel): boolean {
  if (entry.admin_only && level !== 'admin') return false;
  if (entry.permission_levels !== undefined && !entry.permission_levels.includes(level)) return false;
  return true;
}

/**
 * Whether `rest` (the path inside the service, starting with `/`) is one of the service's public
 * paths. A prefix matches at a segment boundary: `/display` covers `/display` and `/display/tv`,
 * not `/displayed`; a prefix ending in `/` covers what is below it.
 */
export function isPublicPath(entry: ServiceEntry, rest: string): boolean {
  return entry.public_paths.some((prefix) => {
    if (prefix.endsWith('/')) return rest.startsWith(prefix) || rest === prefix.slice(0, -1);
    return rest === prefix || rest.startsWith(`${prefix}/`);
  });
}

/** Whether a registry entry is something the gateway proxies under `/<name>/`. */
export function isRoutable(name: string): boolean {
  return !RESERVED_NAMES.has(name);
}

/** The side-panel entries a user sees: visible, routable and allowed, in registry order. */
export function navFor(services: ServicesFile, level: PermissionLevel, current: string | null): NavItem[] {
  const items: NavItem[] = [];
  for (const [name, entry] of Object.entries(services)) {
    if (!entry.visible || !isRoutable(name) || !mayOpen(entry, level)) continue;
    items.push({
      name,
      displayName: entry.display_name,
      icon: entry.icon,
      href: `/${name}/`,
      active: name === current,
    });
  }
  return items;
}

/**
 * The service `/` sends a user to: their preferred home page when it exists and they may open
 * it, else the first visible one they may open, preferring apps.
 */
export function homeFor(
  services: ServicesFile,
  level: PermissionLevel,
  preferred: string | null = null,
): string | null {
  const wanted = preferred === null || !Object.hasOwn(services, preferred) ? undefined : services[preferred];
  if (wanted !== undefined && preferred !== null && isRoutable(preferred) && mayOpen(wanted, level)) return preferred;
  const open = Object.entries(services).filter(
    ([name, entry]) => entry.visible && isRoutable(name) && mayOpen(entry, level),
  );
  const app = open.find(([, entry]) => entry.kind === 'app');
  return (app ?? open[0])?.[0] ?? null;
}
