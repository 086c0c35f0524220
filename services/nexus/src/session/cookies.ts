/**
 * The gateway's cookies. Both use the `__Host-` prefix, which browsers only accept with `Secure`,
 * `Path=/` and no `Domain` (RFC 6265bis §4.1.3.2): no subdomain or plain-HTTP page can set or
 * shadow them. They are HttpOnly (no script reads them) and SameSite=Lax (not sent on cross-site
 * subresource requests or POSTs).
 */
import { createHash, randomBytes } from 'node:crypto';

/** The session cookie: an opaque random id, nothing else. */
export const SESSION_COOKIE = '__Host-hm_session';
/** The login-in-progress cookie, binding the OIDC state to this browser (RFC 6749 §10.12). */
export const LOGIN_COOKIE = '__Host-hm_login';

/** The gateway's own cookie names: never forwarded to a service, never accepted from one. */
export const GATEWAY_COOKIES: ReadonlySet<string> = new Set([SESSION_COOKIE, LOGIN_COOKIE]);

/** A new opaque id: 256 random bits, URL-safe. */
export function newOpaqueId(random: (size: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

/**
 * The store key for a cookie id: its SHA-256. The store never holds a value that works as a
 * cookie, so a leaked Redis dump or log line cannot be replayed in a browser.
 */
export function storeKey(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** Parses a `Cookie` header into name → first value (RFC 6265 §5.4 order: the first wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (name !== '' && !cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/** The `Cookie` header without the gateway's cookies, or undefined when nothing is left. */
export function withoutGatewayCookies(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const kept = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !GATEWAY_COOKIES.has(part.slice(0, Math.max(0, part.indexOf('='))).trim()));
  return kept.length === 0 ? undefined : kept.join('; ');
}

/** `Set-Cookie` for one of our cookies; `maxAgeSec` undefined makes a browser-session cookie. */
export function setCookie(name: string, value: string, maxAgeSec?: number): string {
  const age = maxAgeSec === undefined ? '' : `; Max-Age=${maxAgeSec}`;
  return `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax${age}`;
}

/** `Set-Cookie` that deletes one of our cookies. */
export function clearCookie(name: string): string {
  return `${name}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** A cookie id must look like one of ours before it is hashed and looked up. */
export function isOpaqueId(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);
}
