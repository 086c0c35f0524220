/**
 * Correlation ids: one id per request, taken from the caller's `X-Correlation-ID` when it is a
 * safe token, so one user action can be followed through nexus and every service it touches.
 * Fastify's request id *is* the correlation id: it is logged as `correlation_id` on every record
 * of the request and echoed in the response header.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { LogController, type FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';

/** The header carrying the id, lower-cased as Node presents request headers. */
export const CORRELATION_HEADER = 'x-correlation-id';

// Restricting the alphabet keeps a caller from injecting newlines or markup into our logs and
// headers; 128 characters is room for any UUID, ULID or trace id.
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The correlation id for a request: the incoming header value when it matches
 * `^[A-Za-z0-9._:-]{1,128}$`, otherwise a fresh `randomId()`. A repeated header (which Node joins
 * with ", " or gives as an array) is not a valid id and gets a fresh one.
 */
export function correlationIdFrom(
  headerValue: string | string[] | undefined,
  randomId: () => string = randomUUID,
): string {
  return typeof headerValue === 'string' && VALID_ID.test(headerValue) ? headerValue : randomId();
}

/** The Fastify options to spread into `Fastify({...})` so that `request.id` is the correlation id. */
export interface CorrelationFastifyOptions {
  genReqId: (req: { headers: IncomingHttpHeaders }) => string;
  requestIdHeader: false;
  logController: LogController;
}

/**
 * Fastify server options making `request.id` the correlation id and logging it as
 * `correlation_id`. The label goes through a `LogController` because Fastify 5.12 deprecated the
 * top-level `requestIdLogLabel` option; `requestIdHeader: false` leaves the header to `genReqId`,
 * which validates it.
 */
export function correlationFastifyOptions(randomId: () => string = randomUUID): CorrelationFastifyOptions {
  return {
    genReqId: (req) => correlationIdFrom(req.headers[CORRELATION_HEADER], randomId),
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'correlation_id' }),
  };
}

const correlation: FastifyPluginCallback = (app, _options, done) => {
  // Set as the request arrives, so the header is on every reply, errors and 404s included.
  app.addHook('onRequest', (request, reply, next) => {
    reply.header(CORRELATION_HEADER, request.id);
    next();
  });
  // A hook registered before this plugin may fail before ours runs; put the header back then.
  app.addHook('onSend', (request, reply, payload, next) => {
    if (!reply.hasHeader(CORRELATION_HEADER)) reply.header(CORRELATION_HEADER, request.id);
    next(null, payload);
  });
  done();
};

/**
 * Echoes the correlation id in `X-Correlation-ID` on every response. Wrapped with
 * fastify-plugin so its hooks apply to the whole app, not just one encapsulated scope.
 */
export const correlationPlugin = fp(correlation, { name: 'hivematrix-correlation', fastify: '5.x' });
