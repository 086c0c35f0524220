/**
 * Which user a service-to-service call is made for, so the receiving service counts it against
 * that user's rate-limit budget instead of one budget that every user of the caller shares
 * (ARCHITECTURE.md, "On-behalf-of header").
 *
 * `createServiceApp` runs every route handler inside `runForRequest`, so a service client call
 * made anywhere below a handler (however deep in domain code) sends `X-On-Behalf-Of: <sub>`
 * without each layer threading the user through. The user is the request's verified user, or,
 * for a request that is itself a service call on behalf of someone, that someone (so a chain of
 * calls keeps the original user). Work outside a request (schedulers, sync jobs) has no user and
 * is counted against the calling service, as before.
 *
 * The header is believed only next to a valid service token for the receiver, and only for rate
 * limiting and logs, never for authorization: a service token grants what it grants whoever it
 * names.
 *
 * The storage is process-wide on purpose: it is a property of the asynchronous call chain (like
 * a trace context), not of one app, and a service client is built apart from the app it serves.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyRequest } from 'fastify';

/** The header naming the user a service call is made for (the user's `sub`). */
export const ON_BEHALF_OF_HEADER = 'x-on-behalf-of';

const MAX_SUB_LENGTH = 255;

interface CallContext {
  /** Read lazily: a handler may authenticate after it started. */
  user(): string | null;
}

const storage = new AsyncLocalStorage<CallContext>();

/** True for a plausible `sub`: 1–255 printable characters without spaces. */
export function isValidSubject(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length > 0 && value.length <= MAX_SUB_LENGTH && /^[\x21-\x7e]+$/.test(value)
  );
}

/**
 * The user a request acts for: its verified user, else (for a verified service token) the user
 * named by `X-On-Behalf-Of`, else null.
 */
export function requestUser(request: FastifyRequest): string | null {
  if (request.user !== null) return request.user.sub;
  if (request.service === null) return null;
  const header = request.headers[ON_BEHALF_OF_HEADER];
  return isValidSubject(header) ? header : null;
}

/** Runs `work` (a route handler) with `request`'s user as the user of the calls it makes. */
export function runForRequest<T>(request: FastifyRequest, work: () => T): T {
  return storage.run({ user: () => requestUser(request) }, work);
}

/** Runs `work` with `user` (or nobody) as the user of the calls it makes. */
export function runAsUser<T>(user: string | null, work: () => T): T {
  return storage.run({ user: () => user }, work);
}

/** The user the current call chain acts for, or null outside a request. */
export function currentCallUser(): string | null {
  return storage.getStore()?.user() ?? null;
}
