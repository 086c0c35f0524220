/**
 * Who is reading, and the one SQL predicate that decides what they see. Every query that returns
 * nodes (browse, search, context export, attachments) includes `visibleTo`, so visibility is
 * enforced by the database query itself rather than by the pages.
 *
 * Rules (issue 13): technicians and admins read everything not restricted; a folder restricted to
 * admins is for admins only, one restricted to billing is for billing users (and admins); a folder
 * shared with a company is readable by that company's client users; client users see nothing
 * else. A service token reads what a technician reads (the route decides which services may call).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { PermissionLevel } from '@hivematrix/sdk';

export type Viewer =
  | { kind: 'user'; sub: string; name: string; level: PermissionLevel; companies: readonly string[] }
  | { kind: 'service'; service: string };

/** The SQL condition "node `n` (by its alias) is visible to `viewer`", trash excluded. */
export function visibleTo(viewer: Viewer, alias = 'n'): SQL {
  const a = sql.raw(alias);
  const live = sql`${a}.deleted_at IS NULL`;
  if (viewer.kind === 'service') return sql`(${live} AND ${a}.eff_level = 'all')`;
  switch (viewer.level) {
    case 'admin':
      return live;
    case 'technician':
      return sql`(${live} AND ${a}.eff_level = 'all')`;
    case 'billing':
      return sql`(${live} AND ${a}.eff_level IN ('all', 'billing'))`;
    case 'client': {
      // The root is visible as a container so a client can start browsing; its children are not,
      // unless shared. An empty company list matches nothing.
      const companies =
        viewer.companies.length === 0
          ? sql`ARRAY[]::text[]`
          : sql`ARRAY[${sql.join(
              viewer.companies.map((c) => sql`${c}`),
              sql`, `,
            )}]::text[]`;
      return sql`(${live} AND (${a}.is_root OR (${a}.eff_level = 'all' AND ${a}.eff_company = ANY(${companies}))))`;
    }
  }
}

/** Whether the viewer may write (create, edit, move, delete, upload). Clients and services read only. */
export function canWrite(viewer: Viewer): boolean {
  return viewer.kind === 'user' && viewer.level !== 'client';
}

export function isAdmin(viewer: Viewer): boolean {
  return viewer.kind === 'user' && viewer.level === 'admin';
}

/** The `sub` recorded as author; services write only on a user's behalf, so this is for users. */
export function actorSub(viewer: Viewer): string {
  return viewer.kind === 'user' ? viewer.sub : `service:${viewer.service}`;
}

export function actorName(viewer: Viewer): string {
  return viewer.kind === 'user' ? viewer.name : viewer.service;
}
