/**
 * Sessions as Redis hash fields and back, and revocation log entries. Everything read from Redis
 * is parsed, so a hand-edited or foreign key reads as "no session" instead of crashing a request.
 */
import { z } from 'zod';
import { PermissionLevelSchema } from '@hivematrix/sdk';
import type { Revocation, Session } from './types.js';

const int = z.coerce.number().int();

const HashSchema = z.object({
  id: z.string().min(1),
  sub: z.string().min(1),
  username: z.string().default(''),
  name: z.string().default(''),
  email: z.string().default(''),
  level: PermissionLevelSchema.catch('client'),
  groups: z.string().default('[]'),
  sid: z.string().optional(),
  createdAt: int,
  expiresAt: int,
  lastRefreshAt: int.optional(),
  tokenExp: int,
  revokedAt: int.optional(),
});

const GroupsSchema = z.array(z.string());

/** A session as a flat list of hash fields and values (for HSET); absent values are left out. */
export function encodeSession(session: Session): string[] {
  const fields: Record<string, string> = {
    id: session.id,
    sub: session.sub,
    username: session.username,
    name: session.name,
    email: session.email,
    level: session.permissionLevel,
    groups: JSON.stringify(session.groups),
    createdAt: String(session.createdAt),
    expiresAt: String(session.expiresAt),
    tokenExp: String(session.tokenExp),
  };
  if (session.identitySid !== null) fields['sid'] = session.identitySid;
  if (session.lastRefreshAt !== null) fields['lastRefreshAt'] = String(session.lastRefreshAt);
  if (session.revokedAt !== null) fields['revokedAt'] = String(session.revokedAt);
  return Object.entries(fields).flat();
}

/** A session from HGETALL's answer; null for a missing (empty) or unreadable hash. */
export function decodeSession(hash: Record<string, string>): Session | null {
  const parsed = HashSchema.safeParse(hash);
  if (!parsed.success) return null;
  const h = parsed.data;
  let groups: string[];
  try {
    groups = GroupsSchema.parse(JSON.parse(h.groups));
  } catch {
    groups = [];
  }
  return {
    id: h.id,
    sub: h.sub,
    username: h.username,
    name: h.name,
    email: h.email,
    permissionLevel: h.level,
    groups,
    identitySid: h.sid ?? null,
    createdAt: h.createdAt,
    expiresAt: h.expiresAt,
    lastRefreshAt: h.lastRefreshAt ?? null,
    tokenExp: h.tokenExp,
    revokedAt: h.revokedAt ?? null,
  };
}

const RevocationSchema = z.object({ seq: z.number().int().positive(), jti: z.string().min(1), exp: z.number().int() });

/** A revocation log entry or pub/sub message; null when it is not one. */
export function parseRevocation(text: string): Revocation | null {
  try {
    const parsed = RevocationSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
