/**
 * Which headers cross the gateway, in each direction.
 *
 * Towards a service: never the client's `Authorization` (the gateway sets its own bearer), never
 * the gateway's cookies, never a client's `X-Forwarded-*` (the gateway writes them from what it
 * saw), and no hop-by-hop header (RFC 9110 §7.6.1), including any the `Connection` header names.
 * Towards the browser: hop-by-hop headers dropped, and no `Set-Cookie` that would overwrite the
 * gateway's own cookies.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GATEWAY_COOKIES, withoutGatewayCookies } from '../session/index.js';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus proxy credentials. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** Request headers the gateway replaces or must not pass on. */
const REQUEST_DROPPED = new Set([
  ...HOP_BY_HOP,
  'host',
  'authorization',
  'cookie',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-prefix',
  'x-forwarded-port',
  'x-real-ip',
  'x-correlation-id',
  // The gateway composes HTML pages, so it asks services for plain bodies (loopback needs no compression).
  'accept-encoding',
]);

const NO_TOKENS: ReadonlySet<string> = new Set();

/** Names listed in a `Connection` header: hop-by-hop for this message too. */
function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> {
  // Fast path for nearly every message (no header, or one of the two usual values, which are
  // not header names); it runs twice per proxied request.
  if (value === undefined || value === 'keep-alive' || value === 'close') return NO_TOKENS;
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    text
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ''),
  );
}

/** What the gateway says about the original request. */
export interface ForwardedInfo {
  clientIp: string;
  host: string;
  /** `/codex` when the prefix was stripped; undefined for the identity provider (served unstripped). */
  prefix: string | undefined;
  correlationId: string;
  /** The platform JWT to send, or undefined (public paths, identity). */
  bearer: string | undefined;
}

/** The headers sent to a service for a request that had `incoming` headers. */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  info: ForwardedInfo,
  options: { keepUpgrade?: boolean } = {},
): Record<string, string | string[]> {
  const named = connectionTokens(incoming.connection);
  const out: Record<string, string | string[]> = {};
  // for…in over Node's header object (own, enumerable, plain data) avoids the entries arrays.
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || REQUEST_DROPPED.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  if (options.keepUpgrade === true && typeof incoming.upgrade === 'string') {
    out['connection'] = 'Upgrade';
    out['upgrade'] = incoming.upgrade;
  }
  const cookie = withoutGatewayCookies(incoming.cookie);
  if (cookie !== undefined) out['cookie'] = cookie;
  if (info.bearer !== undefined) out['authorization'] = `Bearer ${info.bearer}`;
  out['x-forwarded-for'] = info.clientIp;
  out['x-forwarded-proto'] = 'https';
  out['x-forwarded-host'] = info.host;
  if (info.prefix !== undefined) out['x-forwarded-prefix'] = info.prefix;
  out['x-correlation-id'] = info.correlationId;
  return out;
}

/** The cookie name of a `Set-Cookie` value. */
function cookieName(setCookie: string): string {
  const eq = setCookie.indexOf('=');
  return (eq === -1 ? setCookie : setCookie.slice(0, eq)).trim();
}

/**
 * Makes an identity-provider cookie safe on the gateway's host: no `Domain` (host-only) and
 * `Secure` (the browser only ever reaches it over HTTPS).
 */
export function hardenCookie(setCookie: string): string {
  const parts = setCookie
    .split(';')
    .map((part) => part.trim())
    .filter((part) => !/^domain=/i.test(part));
  if (!parts.some((part) => /^secure$/i.test(part))) parts.push('Secure');
  return parts.join('; ');
}

/** The response headers passed to the browser. */
export function downstreamResponseHeaders(
  headers: Record<string, string | string[] | undefined>,
  options: { hardenCookies: boolean },
): Record<string, string | string[]> {
  const named = connectionTokens(headers['connection']);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named.has(lower)) continue;
    if (lower === 'set-cookie') {
      const cookies = (Array.isArray(value) ? value : [value]).filter(
        (cookie) => !GATEWAY_COOKIES.has(cookieName(cookie)),
      );
      if (cookies.length > 0) out[lower] = options.hardenCookies ? cookies.map(hardenCookie) : cookies;
      continue;
    }
    out[lower] = value;
  }
  return out;
}
