/**
 * The one place where errors become HTTP answers.
 *
 * Every failure (an AppError thrown by a handler, a Fastify validation or body-parser error, a
 * rate-limit rejection, an unknown route, a route that exists only for other methods) is sent as
 * `application/problem+json` (RFC 9457) with its true status. Unexpected errors are logged with
 * their stack and answered with a generic 500 that carries the correlation id, never the stack.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, PROBLEM_CONTENT_TYPE, codeForStatus, toProblem, type FieldError } from '../errors.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Sends an AppError as problem+json. Exported for hooks that answer before a handler runs. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  // The path the client asked for, with the gateway's prefix when there is one.
  const prefix = (request as { prefix?: unknown }).prefix;
  const instance = (typeof prefix === 'string' ? prefix : '') + request.url.split('?')[0];
  for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
  if (error.retryAfter !== undefined) void reply.header('Retry-After', String(error.retryAfter));
  return reply
    .code(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(toProblem(error, instance, request.id));
}

/** Translates anything thrown into an AppError, keeping 4xx statuses as they are. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError> & { statusCode?: number };

  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors: FieldError[] = error.validation.map((issue) => ({
      path: [error.validationContext, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'invalid',
    }));
    return new AppError('validation_failed', 'The request is not valid.', { errors });
  }
  if (fastifyError.validation !== undefined) {
    const errors: FieldError[] = fastifyError.validation.map((issue) => ({
      path: [fastifyError.validationContext ?? 'body', ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'invalid',
    }));
    return new AppError('validation_failed', 'The request is not valid.', { errors });
  }

  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code =
      fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : codeForStatus(status);
    // Fastify's 4xx messages are written for clients (e.g. "Body cannot be empty ...").
    return new AppError(code, fastifyError.message ?? undefined);
  }
  return new AppError('internal', 'An unexpected error occurred.', { cause: error });
}

/**
 * Installs the error handler, the 404 handler and 405 detection on an app.
 * Call it once, in `createServiceApp`, before routes are registered.
 */
export function installErrorHandling(app: FastifyInstance): void {
  // A second router that only records which methods exist for which paths, so that a request
  // for a known path with the wrong method gets 405 and an `Allow` header instead of 404.
  const known = FindMyWay();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      try {
        known.on(method as 'GET', route.url, () => undefined);
      } catch {
        // Already recorded (e.g. HEAD added alongside GET).
      }
    }
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((method) => known.find(method, path) !== null);
    if (allowed.length > 0) {
      return sendProblem(
        request,
        reply,
        new AppError('method_not_allowed', `${request.method} is not allowed here.`, {
          headers: { Allow: allowed.join(', ') },
        }),
      );
    }
    return sendProblem(request, reply, new AppError('not_found', 'The requested resource was not found.'));
  });

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) {
      request.log.error({ err: appError.cause ?? appError }, 'request failed');
    } else {
      request.log.info({ code: appError.code, status: appError.status }, appError.message);
    }
    return sendProblem(request, reply, appError);
  });
}
