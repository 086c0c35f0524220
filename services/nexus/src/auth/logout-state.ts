/**
 * The `state` of an RP-initiated logout (OIDC RP-Initiated Logout 1.0 §2 and §3): an HMAC-signed
 * timestamp. The identity provider sends it back on the post-logout redirect to `/`, which is how
 * the gateway knows that this visit to `/` ends a logout and may clear the site's data (cookies
 * included, now that the identity provider has ended its own session with its cookie).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const LIFETIME_MS = 10 * 60_000;

function sign(key: string, timestamp: string): string {
  return createHmac('sha256', key).update(`logout:${timestamp}`).digest('base64url');
}

/** A fresh logout state for `now` (epoch ms). */
export function logoutState(key: string, now: number): string {
  const timestamp = String(now);
  return `${timestamp}.${sign(key, timestamp)}`;
}

/** Whether `state` was made by `logoutState` with this key less than ten minutes ago. */
export function isLogoutState(key: string, state: unknown, now: number): boolean {
  if (typeof state !== 'string') return false;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(state);
  if (match === null || match[1] === undefined || match[2] === undefined) return false;
  const age = now - Number(match[1]);
  if (age < 0 || age > LIFETIME_MS) return false;
  const expected = Buffer.from(sign(key, match[1]));
  const given = Buffer.from(match[2]);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
