/**
 * Typed errors with stable codes, and their one mapping to RFC 9457 problem details.
 *
 * Domain code throws `new AppError('not_found', 'Company 42 not found')`; the error handler
 * installed by `installErrorHandling` turns it (and every Fastify/validation error) into
 * `application/problem+json` with the status from this registry. Clients never see a stack trace,
 * and a 4xx is never turned into a 500 (the original platform's catch-all did exactly that).
 */

/** Every error code the platform answers with, its HTTP status and its human title. */
export const ERROR_CODES = {
  bad_request: { status: 400, title: 'Bad Request' },
  validation_failed: { status: 400, title: 'Validation Failed' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  token_invalid: { status: 401, title: 'Unauthorized' },
  token_expired: { status: 401, title: 'Unauthorized' },
  token_revoked: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  users_only: { status: 403, title: 'Forbidden' },
  service_not_allowed: { status: 403, title: 'Forbidden' },
  csrf_rejected: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not Found' },
  method_not_allowed: { status: 405, title: 'Method Not Allowed' },
  not_acceptable: { status: 406, title: 'Not Acceptable' },
  conflict: { status: 409, title: 'Conflict' },
  // Conflicts a caller acts on differently each have their own code (never told apart by message).
  already_accepted: { status: 409, title: 'Conflict' },
  review_required: { status: 409, title: 'Conflict' },
  not_latest_invoice: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Payload Too Large' },
  unsupported_media_type: { status: 415, title: 'Unsupported Media Type' },
  unprocessable_entity: { status: 422, title: 'Unprocessable Entity' },
  rate_limited: { status: 429, title: 'Too Many Requests' },
  internal: { status: 500, title: 'Internal Server Error' },
  bad_gateway: { status: 502, title: 'Bad Gateway' },
  service_unavailable: { status: 503, title: 'Service Unavailable' },
  gateway_timeout: { status: 504, title: 'Gateway Timeout' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One entry of a validation failure: where (a dotted path) and what. */
export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  /** Field-level details, sent as `errors` (validation). */
  errors?: FieldError[];
  /** Seconds, sent as `retry_after` and the `Retry-After` header (429, 503). */
  retryAfter?: number;
  /** Extra headers for the response (e.g. `Allow` for 405). */
  headers?: Record<string, string>;
  /** The underlying error, logged but never sent to the client. */
  cause?: unknown;
}

/** An error the platform answers on purpose, with a stable code from `ERROR_CODES`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly retryAfter: number | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, detail?: string, options: AppErrorOptions = {}) {
    super(detail ?? ERROR_CODES[code].title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
    this.headers = options.headers ?? {};
  }
}

/** The RFC 9457 body we send. `code` is our stable machine-readable code. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  retry_after?: number;
  correlation_id?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Builds the problem body for an AppError. `instance` is the path the client asked for. */
export function toProblem(error: AppError, instance?: string, correlationId?: string): ProblemDetails {
  const problem: ProblemDetails = {
    type: `about:blank#${error.code.replaceAll('_', '-')}`,
    title: ERROR_CODES[error.code].title,
    status: error.status,
    code: error.code,
    detail: error.message,
  };
  if (instance !== undefined) problem.instance = instance;
  if (error.errors !== undefined) problem.errors = error.errors;
  if (error.retryAfter !== undefined) problem.retry_after = error.retryAfter;
  if (correlationId !== undefined) problem.correlation_id = correlationId;
  return problem;
}

/** The code we answer for a bare HTTP status (from Fastify or a plugin). */
export function codeForStatus(status: number): ErrorCode {
  for (const [code, entry] of Object.entries(ERROR_CODES) as [ErrorCode, { status: number }][]) {
    if (entry.status === status) return code;
  }
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}
