/**
 * Codex's refusal of something a person asked, as beacon's own answer. Codex judged the request
 * with that person's own token, so its 403, 404, 409 and 422 are theirs to read, with codex's
 * detail; so are its 502 and 503 about the ticket's PSA (with Retry-After), when codex itself
 * answered them (problem+json). Anything else (401, 400, a bare 5xx) is a broken call between
 * services: 502 naming codex's status.
 */
import { z } from 'zod';
import { AppError, ERROR_CODES, ServiceCallError, type ErrorCode } from '@hivematrix/sdk';

/** Passed through: our code for codex's status, and the detail when codex sent none. */
const PASSED: Readonly<Partial<Record<number, { code: ErrorCode; fallback: string }>>> = {
  403: { code: 'forbidden', fallback: 'Codex does not allow this for your account' },
  404: { code: 'not_found', fallback: 'Not found in codex' },
  409: { code: 'conflict', fallback: 'Codex refused this: it conflicts with the current state' },
  422: { code: 'unprocessable_entity', fallback: 'Codex cannot do this with its current configuration' },
};
/** Passed through only when codex explained them (RFC 9457 detail): otherwise codex itself failed. */
const EXPLAINED: Readonly<Partial<Record<number, ErrorCode>>> = { 502: 'bad_gateway', 503: 'service_unavailable' };

const problemSchema = z.object({
  code: z.string().optional(),
  detail: z.string().min(1).optional(),
  retry_after: z.number().int().positive().optional(),
});

/** Seconds from `Retry-After` (delay-seconds form, RFC 9110 §10.2.3), else the problem's `retry_after`. */
function retryAfterOf(response: Response, fromBody: number | undefined): number | undefined {
  const header = Number(response.headers.get('retry-after'));
  return Number.isInteger(header) && header > 0 ? header : fromBody;
}

function isErrorCode(value: string | undefined): value is ErrorCode {
  return value !== undefined && Object.hasOwn(ERROR_CODES, value);
}

/** Codex's own code when it is one of ours for the same status (e.g. `users_only`), else `code`. */
function keepCode(upstream: string | undefined, status: number, code: ErrorCode): ErrorCode {
  return isErrorCode(upstream) && ERROR_CODES[upstream].status === status ? upstream : code;
}

/** The error to throw for codex's non-2xx `response`, whose body was parsed as `body`. */
export function codexRefusal(response: Response, body: unknown): AppError {
  const parsed = problemSchema.safeParse(body);
  const problem = parsed.success ? parsed.data : {};
  const status = response.status;
  const passed = PASSED[status];
  if (passed !== undefined)
    return new AppError(keepCode(problem.code, status, passed.code), problem.detail ?? passed.fallback);
  const explained = EXPLAINED[status];
  if (explained !== undefined && problem.detail !== undefined) {
    const retryAfter = status === 503 ? retryAfterOf(response, problem.retry_after) : undefined;
    return new AppError(explained, problem.detail, retryAfter === undefined ? {} : { retryAfter });
  }
  return new ServiceCallError('codex', status, problem.code, retryAfterOf(response, problem.retry_after));
}
