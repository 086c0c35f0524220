/**
 * Keycloak's error bodies for the admin API. Clients written for Keycloak read `errorMessage`
 * (validation, conflicts) or `error` (401, 403, 404), not RFC 9457 problem details, so this API
 * answers in Keycloak's shapes while the rest of the service keeps problem+json.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toAppError, type AppError } from '@hivematrix/sdk';

export interface KeycloakError {
  status: number;
  body: { error?: string; errorMessage?: string; field?: string; error_description?: string };
  headers: Record<string, string>;
}

/** Keycloak's answer for an AppError. */
export function keycloakError(error: AppError): KeycloakError {
  const field = error.errors?.[0]?.path;
  switch (error.status) {
    case 401:
      return {
        status: 401,
        body: { error: 'HTTP 401 Unauthorized' },
        headers: { 'WWW-Authenticate': 'Bearer realm="hivematrix"' },
      };
    case 403:
      return { status: 403, body: { error: 'HTTP 403 Forbidden' }, headers: {} };
    case 404:
      return { status: 404, body: { error: error.message }, headers: {} };
    case 400:
    case 409:
    case 422:
      return {
        status: error.status,
        body: field === undefined ? { errorMessage: error.message } : { field, errorMessage: error.message },
        headers: {},
      };
    default:
      return {
        status: error.status,
        body: { error: error.status >= 500 ? 'unknown_error' : error.message },
        headers: {},
      };
  }
}

/** The admin scope's error handler: every failure in Keycloak's shape, 5xx logged with its cause. */
export function keycloakErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: appError.cause ?? appError }, 'admin request failed');
  const answer = keycloakError(appError);
  for (const [name, value] of Object.entries(answer.headers)) void reply.header(name, value);
  return reply.code(answer.status).type('application/json').send(answer.body);
}
