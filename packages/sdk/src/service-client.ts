/**
 * Calling another HiveMatrix service: a service token from core, cached per target, then one
 * HTTP call whose answer is parsed before anyone trusts it.
 *
 * Failures of the other service become our own typed errors: a non-2xx answer is a 502
 * `bad_gateway` (a ServiceCallError that keeps the upstream status and problem code), no answer in
 * time is a 504 `gateway_timeout`. The service's secret only ever travels in the Authorization
 * header to core; it is never put in an error or a log line.
 */
import { encodeQuery, type Query } from './urls.js';
import type { z } from 'zod';
import { AppError } from './errors.js';
import { ON_BEHALF_OF_HEADER, currentCallUser, isValidSubject } from './call-context.js';

/** Options of `createServiceClient`. */
export interface ServiceClientOptions {
  /** This service's name: the `calling_service` of its tokens. */
  serviceName: string;
  /** This service's own secret, which core checks before minting a token. */
  secret: string;
  coreUrl: string;
  /** Base URLs of the services this one may call. `core` defaults to `coreUrl`. */
  services: Record<string, { url: string }>;
  fetch?: typeof globalThis.fetch;
  /** Clock in milliseconds, for the token cache. */
  now?: () => number;
  /** Default timeout of a call. */
  timeoutMs?: number;
  /** Timeout of a token request to core. */
  tokenTimeoutMs?: number;
}

/** Options of one call. */
export interface CallOptions {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  query?: Query;
  correlationId?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  /**
   * The user (`sub`) this call is made for, sent as `X-On-Behalf-Of` so the receiver counts it
   * against that user's budget. Default: the user of the request being handled (see
   * `call-context.ts`); null sends no user (the call counts against this service).
   */
  onBehalfOf?: string | null;
}

/** A client for the platform's service-to-service calls. */
export interface ServiceClient {
  /** Calls `target` and returns its answer parsed by `schema`. */
  call<S extends z.ZodType>(target: string, path: string, options: CallOptions & { schema: S }): Promise<z.output<S>>;
  /** Calls `target` and returns its JSON answer unchecked (prefer passing a schema). */
  call<T = unknown>(target: string, path: string, options?: CallOptions): Promise<T>;
  /** A valid service token for `target`, from the cache or from core. */
  getServiceToken(target: string): Promise<string>;
  /** Forgets the cached token for `target` (after the target refused it). */
  invalidateToken(target: string): void;
}

/** A 502 from a call to another service, keeping what that service answered. */
export class ServiceCallError extends AppError {
  readonly target: string;
  /** The other service's HTTP status. */
  readonly upstreamStatus: number;
  /** The `code` of the other service's problem+json body, if it sent one. */
  readonly upstreamCode: string | undefined;

  constructor(target: string, upstreamStatus: number, upstreamCode: string | undefined, retryAfter?: number) {
    // A 429 stays a 429: the caller's own budget at the other service is spent (it is counted
    // per user there), which is not a broken gateway and should tell the client to wait.
    super(
      upstreamStatus === 429 ? 'rate_limited' : 'bad_gateway',
      `${target} answered HTTP ${upstreamStatus}${upstreamCode === undefined ? '' : ` (${upstreamCode})`}`,
      upstreamStatus === 429 ? { retryAfter: retryAfter ?? 60 } : {},
    );
    this.name = 'ServiceCallError';
    this.target = target;
    this.upstreamStatus = upstreamStatus;
    this.upstreamCode = upstreamCode;
  }
}

/** Service tokens live 5 minutes; we reuse one for 4.5 so it never expires in flight (DESIGN.md §2). */
const TOKEN_CACHE_MS = 270_000;

/** Creates the client that calls other services with service tokens minted by core. */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const coreUrl = trimSlash(options.coreUrl);
  const defaultTimeout = options.timeoutMs ?? 10_000;
  const tokenTimeout = options.tokenTimeoutMs ?? 5_000;
  const cache = new Map<string, { token: string; until: number }>();
  const inFlight = new Map<string, Promise<string>>();

  async function requestToken(target: string): Promise<string> {
    const response = await send(fetchImpl, 'core', `${coreUrl}/service-token`, tokenTimeout, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.secret}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ calling_service: options.serviceName, target_service: target }),
    });
    if (!response.ok) throw await upstreamError('core', response);
    const body: unknown = await response.json().catch(() => null);
    const token = typeof body === 'object' && body !== null && 'token' in body ? body.token : undefined;
    if (typeof token !== 'string' || token === '')
      throw new AppError('bad_gateway', 'core answered without a service token');
    return token;
  }

  function getServiceToken(target: string): Promise<string> {
    const cached = cache.get(target);
    if (cached !== undefined && now() < cached.until) return Promise.resolve(cached.token);
    let pending = inFlight.get(target);
    if (pending === undefined) {
      // Concurrent callers share one request to core.
      const issuedAt = now();
      pending = requestToken(target)
        .then((token) => {
          cache.set(target, { token, until: issuedAt + TOKEN_CACHE_MS });
          return token;
        })
        .finally(() => inFlight.delete(target));
      inFlight.set(target, pending);
    }
    return pending;
  }

  function baseUrl(target: string): string {
    const service = options.services[target];
    if (service !== undefined) return trimSlash(service.url);
    if (target === 'core') return coreUrl;
    throw new AppError('internal', `unknown service ${target}`);
  }

  async function call(
    target: string,
    path: string,
    callOptions: CallOptions & { schema?: z.ZodType } = {},
  ): Promise<unknown> {
    const url = baseUrl(target) + (path.startsWith('/') ? path : `/${path}`) + queryString(callOptions.query);
    const timeoutMs = callOptions.timeoutMs ?? defaultTimeout;
    const attempt = async (): Promise<Response> => {
      const headers: Record<string, string> = { accept: 'application/json', ...callOptions.headers };
      headers['authorization'] = `Bearer ${await getServiceToken(target)}`;
      if (callOptions.correlationId !== undefined) headers['x-correlation-id'] = callOptions.correlationId;
      const user = callOptions.onBehalfOf === undefined ? currentCallUser() : callOptions.onBehalfOf;
      if (isValidSubject(user)) headers[ON_BEHALF_OF_HEADER] = user;
      const init: RequestInit = { method: callOptions.method ?? 'GET', headers };
      if (callOptions.body !== undefined) {
        headers['content-type'] = 'application/json';
        init.body = JSON.stringify(callOptions.body);
      }
      return send(fetchImpl, target, url, timeoutMs, init);
    };
    let response = await attempt();
    if (response.status === 401) {
      // The target may have rotated keys or restarted; a fresh token is worth one more try.
      await response.body?.cancel();
      cache.delete(target);
      response = await attempt();
    }
    if (!response.ok) throw await upstreamError(target, response);
    const body = await readBody(target, timeoutMs, response);
    if (callOptions.schema === undefined) return body;
    const parsed = callOptions.schema.safeParse(body);
    if (!parsed.success) {
      const where = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new AppError('bad_gateway', `${target} answered an unexpected shape (${where.join('; ')})`);
    }
    return parsed.data;
  }

  return {
    call,
    getServiceToken,
    invalidateToken: (target) => void cache.delete(target),
  };
}

/** One fetch with a deadline, turning transport failures into gateway errors. */
async function send(
  fetchImpl: typeof globalThis.fetch,
  target: string,
  url: string,
  timeoutMs: number,
  init: RequestInit,
): Promise<Response> {
  try {
    return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw transportError(target, timeoutMs, error);
  }
}

function transportError(target: string, timeoutMs: number, error: unknown): AppError {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new AppError('gateway_timeout', `${target} did not answer within ${timeoutMs} ms`, { cause: error });
  }
  return new AppError('bad_gateway', `${target} could not be reached`, { cause: error });
}

/** Reads a 2xx answer: JSON when it says so, undefined when empty, text otherwise. */
async function readBody(target: string, timeoutMs: number, response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text(); // the deadline's signal also covers reading the body
  } catch (error) {
    throw transportError(target, timeoutMs, error);
  }
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (!/[/+]json\b/i.test(type)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('bad_gateway', `${target} answered malformed JSON`);
  }
}

/** The error for a non-2xx answer; keeps the problem+json `code` when there is one (RFC 9457). */
async function upstreamError(target: string, response: Response): Promise<ServiceCallError> {
  let code: string | undefined;
  if ((response.headers.get('content-type') ?? '').includes('application/problem+json')) {
    const body: unknown = await response.json().catch(() => null);
    if (typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string') code = body.code;
  } else {
    await response.body?.cancel().catch(() => undefined);
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ServiceCallError(
    target,
    response.status,
    code,
    Number.isInteger(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function queryString(query: Query | undefined): string {
  const text = query === undefined ? '' : encodeQuery(query);
  return text === '' ? '' : `?${text}`;
}
