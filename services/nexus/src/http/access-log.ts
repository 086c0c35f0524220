/**
 * The gateway's access log: one line per request. Fastify's default writes two ("incoming
 * request" when it arrives, "request completed" when it ends), each a JSON serialisation and,
 * with pino's stdout destination, a synchronous write(2); the gateway sees every request of the
 * platform, so that doubled its logging cost. The completed line carries what the incoming one
 * said (method, path, redacted query, client address) and keeps Fastify's error level for failed
 * requests.
 *
 * The query is redacted before it is logged: the OIDC callback carries the authorization `code`
 * and `state`, logout carries `id_token_hint`, and any parameter whose name speaks of a token,
 * secret, password or API key is a credential that must not reach helm's log store. (A service's
 * own `state` or `code` filter is redacted too: a little detail lost, no credential leaked.)
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** Parameters always redacted (OIDC/OAuth 2.0 credentials and their companions). */
const SECRET_PARAMETERS = new Set([
  'code',
  'state',
  'id_token_hint',
  'session_state',
  'logout_token',
  'nonce',
  'code_verifier',
  'ticket',
  'sig',
  'signature',
]);
/** Any parameter whose name contains one of these is redacted too (access_token, client_secret, api_key…). */
const SECRET_NAME = /token|secret|passw|api_?key|credential|jwt|assertion/i;
const REDACTED = 'REDACTED';

/** `url` with the value of every credential-like query parameter replaced by `REDACTED`. */
export function redactUrl(url: string): { path: string; query: string; url: string } {
  const at = url.indexOf('?');
  if (at === -1) return { path: url, query: '', url };
  const path = url.slice(0, at);
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replaceAll('+', ' '));
      } catch {
        name = rawName;
      }
      const secret = SECRET_PARAMETERS.has(name.toLowerCase()) || SECRET_NAME.test(name);
      return secret && equals !== -1 ? `${rawName}=${REDACTED}` : pair;
    })
    .join('&');
  return { path, query, url: `${path}?${query}` };
}

/** A LogController writing only the completion line (with the request's method, URL and address). */
export class AccessLogController extends LogController {
  /** Nothing when the request arrives: the completion line says it all. */
  override incomingRequest(): void {
    return undefined;
  }

  /** One line per request: `request completed` (info) or `request errored` (error). */
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const { path, query, url } = redactUrl(request.url);
    // `req` goes through pino's request serializer (method and url); path and query sit beside it.
    const req = { method: request.method, url, remoteAddress: request.ip };
    const fields = { req, path, ...(query === '' ? {} : { query }), res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}
