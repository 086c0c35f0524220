/**
 * Prefix-aware URLs.
 *
 * Behind the gateway a service is reached at `/<service>/…` with the prefix stripped, and the
 * gateway says which prefix it stripped in `X-Forwarded-Prefix`. Every link, form action and
 * redirect a service builds must carry that prefix, or the browser leaves the service. The header
 * is believed only from the gateway's address and only in a strict shape, because a forged prefix
 * would otherwise turn every link of the page into a link to another site.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from './errors.js';

/** A query string as a record; arrays repeat the key, `null`/`undefined` leave it out. */
export type QueryValue = string | number | boolean | null | undefined;
export type Query = Readonly<Record<string, QueryValue | readonly QueryValue[]>>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The path prefix the gateway stripped (`/codex`), or '' when not behind a trusted gateway. */
    prefix: string;
    /** A same-site URL under this service's prefix: `request.urlFor('/companies', { page: 2 })`. */
    urlFor(path: string, query?: Query): string;
  }
  interface FastifyReply {
    /** Redirects to a path of this service (303 after a POST and other unsafe methods, else 302). */
    redirectTo(path: string, query?: Query): FastifyReply;
  }
}

/** One or more `/segment`s of unreserved characters (RFC 3986 §2.3): no `//`, no scheme, no query. */
const PREFIX_PATTERN = /^(\/[A-Za-z0-9._~-]+)*$/;
const MAX_PREFIX_LENGTH = 256;

/** Strips the IPv4-mapped IPv6 form so `::ffff:127.0.0.1` and `127.0.0.1` compare equal. */
function normaliseAddress(address: string): string {
  const lower = address.trim().toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice('::ffff:'.length) : lower;
}

/** True when `prefix` is a well-formed path prefix ('' included); dot segments are refused. */
export function isValidPrefix(prefix: string): boolean {
  if (prefix.length > MAX_PREFIX_LENGTH || !PREFIX_PATTERN.test(prefix)) return false;
  return prefix.split('/').every((segment) => segment !== '.' && segment !== '..');
}

/**
 * The `X-Forwarded-Prefix` of a request, or '' when the direct peer is not a trusted proxy or the
 * value is malformed. The peer is the socket's address, never `X-Forwarded-For`, which a client
 * can write.
 */
export function forwardedPrefix(request: FastifyRequest, trustedProxies: readonly string[]): string {
  const peer = request.socket.remoteAddress;
  if (peer === undefined) return '';
  const trusted = new Set(trustedProxies.map(normaliseAddress));
  if (!trusted.has(normaliseAddress(peer))) return '';
  const value = request.headers['x-forwarded-prefix'];
  // A repeated header is ambiguous; the gateway sends exactly one.
  if (typeof value !== 'string') return '';
  return isValidPrefix(value) ? value : '';
}

/** True when `path` is an absolute path of this site: starts with one `/`, no backslash, no control characters. */
function isLocalPath(path: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  return path.startsWith('/') && !path.startsWith('//') && !/[\\\u0000-\u001f\u007f]/.test(path);
}

/** Characters a URI may hold as they are (RFC 3986 §2: unreserved, reserved, and `%` of a `%XX`). */
const URI_CHAR = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]/;

/**
 * `target` as a valid `Location` value: every character a URI may not hold is percent-encoded as
 * its UTF-8 bytes (RFC 3986 §2.5), and a `%` that does not start a `%XX` becomes `%25`; what is
 * already encoded stays as it is. Without it, a non-Latin-1 character made Node refuse the header
 * (a malformed 500) and U+0080–U+00FF went out as raw bytes.
 */
export function encodeLocation(target: string): string {
  let out = '';
  const encoder = new TextEncoder();
  for (let index = 0; index < target.length; index += 1) {
    const char = target[index] ?? '';
    if (char === '%' && /^[0-9A-Fa-f]{2}$/.test(target.slice(index + 1, index + 3))) out += char;
    else if (char !== '%' && URI_CHAR.test(char)) out += char;
    else {
      // A surrogate pair is one character: take both halves (a lone one encodes as U+FFFD).
      const code = target.codePointAt(index) ?? 0;
      const whole = code > 0xffff ? target.slice(index, index + 2) : char;
      if (code > 0xffff) index += 1;
      for (const byte of encoder.encode(whole)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** Encodes a query record as `a=1&a=2&b=x` (arrays repeat the key; null/undefined are left out). */
export function encodeQuery(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, raw] of Object.entries(query)) {
    const values: readonly QueryValue[] = Array.isArray(raw) ? (raw as readonly QueryValue[]) : [raw as QueryValue];
    for (const value of values) {
      if (value !== null && value !== undefined) params.append(key, String(value));
    }
  }
  return params.toString();
}

/** Appends a query record to a path that may already hold a query. */
function withQuery(path: string, query: Query | undefined): string {
  if (query === undefined) return path;
  const search = encodeQuery(query);
  if (search === '') return path;
  const hashAt = path.indexOf('#');
  const base = hashAt === -1 ? path : path.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : path.slice(hashAt);
  return `${base}${base.includes('?') ? '&' : '?'}${search}${hash}`;
}

/**
 * Joins a prefix, a path of this service and an optional query into a same-site URL.
 * Throws `bad_request` when the path is not a local absolute path (it may come from user input)
 * and `internal` when the prefix is malformed (it comes from `forwardedPrefix`, which validates).
 */
export function urlFor(prefix: string, path: string, query?: Query): string {
  if (!isValidPrefix(prefix)) throw new AppError('internal', 'urlFor: malformed prefix');
  if (!isLocalPath(path)) throw new AppError('bad_request', 'A link must be a path of this site starting with "/".');
  return withQuery(`${prefix}${path}`, query);
}

/**
 * The gateway's login page with the page to come back to afterwards. The login lives at the site
 * root (the gateway's own route), so it is not under the service prefix; `next` is.
 */
export function loginUrl(request: FastifyRequest): string {
  const next = safeNextPath(`${request.prefix}${request.url}`);
  return `/login?next=${encodeURIComponent(next)}`;
}

const MAX_NEXT_LENGTH = 2048;
/** Any host is fine: only whether the URL stays on it matters. */
const SENTINEL_ORIGIN = 'http://sentinel.invalid';

/**
 * One lenient decoding step: every valid `%XX` becomes that byte's character, invalid `%` stays.
 * Lenient on purpose: a proxy or framework that decodes later may be just as lenient, and a strict
 * decoder would give up on `/%2F%2Fx%` where they would see `//x%`.
 */
function decodeOnce(value: string): string {
  return value.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** The part of a URL before its query or fragment. */
function pathPart(value: string): string {
  const end = value.search(/[?#]/);
  return end === -1 ? value : value.slice(0, end);
}

/** Checks one (possibly decoded) form of a `next` value: it must stay a path of this site. */
function staysOnSite(candidate: string): boolean {
  if (!candidate.startsWith('/') || candidate.startsWith('//')) return false;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f]/.test(candidate) || pathPart(candidate).includes('\\')) return false;
  try {
    const resolved = new URL(candidate, SENTINEL_ORIGIN);
    return resolved.origin === SENTINEL_ORIGIN && !resolved.pathname.startsWith('//');
  } catch {
    return false;
  }
}

/**
 * `value` when it is a path of this site to send the browser to after login, else '/'; percent-
 * encoded (`encodeLocation`) so it can go into a `Location` header as it is.
 *
 * Refuses protocol-relative (`//x`), backslash (`/\x`, which browsers read as `//x`), any scheme
 * (`javascript:`, `https:`), control characters and whitespace (browsers drop tabs and newlines, so
 * `/\t/x` becomes `//x`), and the percent-encoded forms of those (`/%2F%2Fx`, `/%5Cx`, `/%09/x`),
 * checking every decoding up to five levels deep since a later hop may decode again. Each form is
 * also resolved as a URL and must stay on the same origin with a path that does not start `//`.
 */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NEXT_LENGTH) return '/';
  if (!isLocalPath(value) || /\s/.test(value)) return '/';
  let candidate = value;
  for (let round = 0; round <= 5; round += 1) {
    if (!staysOnSite(candidate)) return '/';
    const decoded = decodeOnce(candidate);
    if (decoded === candidate) return encodeLocation(value);
    candidate = decoded;
  }
  return '/'; // still encoded after five levels: nobody needs that
}

export interface UrlsPluginOptions {
  /** Addresses allowed to send `X-Forwarded-Prefix` (the gateway's). */
  trustedProxies: readonly string[];
}

/** Methods after which a redirect must become a GET (RFC 9110 §15.4.4: 303 See Other). */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Fastify plugin: `request.prefix` (computed once, on request), `request.urlFor(path, query?)`
 * and `reply.redirectTo(path, query?)`.
 */
export const urlsPlugin = fp<UrlsPluginOptions>(
  (app, options, done) => {
    const trustedProxies = [...options.trustedProxies];
    app.decorateRequest('prefix', '');
    app.decorateRequest('urlFor', function urlForRequest(this: FastifyRequest, path: string, query?: Query): string {
      return urlFor(this.prefix, path, query);
    });
    app.decorateReply('redirectTo', function redirectTo(this: FastifyReply, path: string, query?: Query): FastifyReply {
      const target = encodeLocation(this.request.urlFor(path, query));
      return this.redirect(target, SAFE_METHODS.has(this.request.method) ? 302 : 303);
    });
    app.addHook('onRequest', (request, _reply, next) => {
      request.prefix = forwardedPrefix(request, trustedProxies);
      next();
    });
    done();
  },
  { name: 'hivematrix-urls', fastify: '5.x' },
);
