/**
 * Where a request URL goes: the identity provider (`/keycloak/…`, forwarded unchanged), a service
 * from `services.json` (`/<name>/<rest>`), or nowhere. The raw URL is used as sent, so repeated
 * query parameters and percent-encodings reach the service exactly as the browser wrote them.
 * Paths with dot segments or backslashes (raw or percent-encoded) are refused outright: a service
 * or a library below might resolve `/beacon/display/../admin` differently from the gateway's
 * access rules.
 */
import type { ServiceEntry, ServicesFile } from '@hivematrix/sdk';
import { isPublicPath, isRoutable } from '../registry/index.js';

/** A routing decision. */
export type Route =
  | { kind: 'identity'; upstreamPath: string }
  | {
      kind: 'service';
      name: string;
      entry: ServiceEntry;
      rest: string;
      upstreamPath: string;
      prefix: string | undefined;
      isPublic: boolean;
    }
  | { kind: 'unknown'; name: string }
  | { kind: 'invalid' };

export const IDENTITY_PREFIX = '/keycloak';

/** The shape of a service name (the SDK's `serviceNameSchema`), as a plain test on the hot path. */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** True when a raw path could be read as another path by something downstream. */
export function isAmbiguousPath(path: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what we refuse
  if (/[\\\u0000-\u001f\u007f]/.test(path) || /%(5c|00)/i.test(path)) return true;
  const lenient = path.replace(/%2e/gi, '.').replace(/%2f/gi, '/');
  return lenient.split('/').some((segment) => segment === '.' || segment === '..');
}

/** Decides where `rawUrl` (path and query, as received) goes. */
export function routeFor(rawUrl: string, services: ServicesFile): Route {
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rawUrl.slice(queryAt);
  if (!path.startsWith('/') || isAmbiguousPath(path)) return { kind: 'invalid' };
  if (path === IDENTITY_PREFIX || path.startsWith(`${IDENTITY_PREFIX}/`))
    return { kind: 'identity', upstreamPath: rawUrl };

  const slash = path.indexOf('/', 1);
  const name = slash === -1 ? path.slice(1) : path.slice(1, slash);
  const rest = slash === -1 ? '/' : path.slice(slash);
  const entry = Object.hasOwn(services, name) ? services[name] : undefined;
  if (entry === undefined || !SERVICE_NAME.test(name) || !isRoutable(name)) {
    return { kind: 'unknown', name: safeDecode(name) };
  }
  const base = basePath(entry.url);
  const upstreamPath = entry.strip_prefix ? `${base}${rest}${query}` : `${base}/${name}${rest}${query}`;
  return {
    kind: 'service',
    name,
    entry,
    rest,
    upstreamPath,
    prefix: entry.strip_prefix ? `/${name}` : undefined,
    isPublic: isPublicPath(entry, rest),
  };
}

const basePaths = new Map<string, string>();
/** The path part of a service URL without trailing slashes, parsed once per URL. */
function basePath(url: string): string {
  let base = basePaths.get(url);
  if (base === undefined) {
    base = new URL(url).pathname.replace(/\/+$/, '');
    if (basePaths.size > 1000) basePaths.clear();
    basePaths.set(url, base);
  }
  return base;
}

/** A path segment for display: decoded when it decodes, else as sent. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
