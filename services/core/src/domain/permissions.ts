/**
 * From identity groups to the platform's permission level (DESIGN.md §2): the first rule that
 * matches wins, in the order admins, technicians, billing; anyone else is a client.
 */
import type { PermissionLevel } from '@hivematrix/sdk';

/** The rules in priority order: the group that grants each level. */
const RULES: readonly (readonly [group: string, level: PermissionLevel])[] = [
  ['admins', 'admin'],
  ['technicians', 'technician'],
  ['billing', 'billing'],
];

/**
 * Group names as the platform uses them. Keycloak sends full group paths (`/admins`, or
 * `/parent/child` for a subgroup); the leading slash is dropped so both providers agree.
 * Anything that is not a non-empty string is ignored, and duplicates are removed.
 */
export function normalizeGroups(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  const groups = raw
    .filter((item): item is string => typeof item === 'string')
    .map((item) => item.replace(/^\/+/, ''))
    .filter((item) => item !== '');
  return [...new Set(groups)];
}

/** The permission level granted by `groups` (already normalized). */
export function permissionLevelFor(groups: readonly string[]): PermissionLevel {
  for (const [group, level] of RULES) if (groups.includes(group)) return level;
  return 'client';
}
