/**
 * The gateway's access log: one line per request. Fastify's default writes two ("incoming
 * request" when it arrives, "request completed" when it ends), each a JSON serialisation and,
 * with pino's stdout destination, a synchronous write(2); the gateway sees every request of the
 * platform, so that doubled its logging cost. The completed line carries what the incoming one
 * said (method, URL, client address) and keeps Fastify's error level for failed requests.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** A LogController writing only the completion line (with the request's method, URL and address). */
export class AccessLogController extends LogController {
  /** Nothing when the request arrives: the completion line says it all. */
  override incomingRequest(): void {
    return undefined;
  }

  /** One line per request: `request completed` (info) or `request errored` (error). */
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const req = { method: request.method, url: request.url, remoteAddress: request.ip };
    if (error) reply.log.error({ req, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
