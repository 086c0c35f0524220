/**
 * WebSocket upgrades (RFC 6455) through the gateway, with the same routing and access rules as
 * HTTP. A browser sends cookies with a WebSocket handshake from any site, so the `Origin` must be
 * ours (cross-site WebSocket hijacking). Once the service answers 101, bytes are piped both ways;
 * any other answer is relayed as it is. A tunnel that carries a user's token is recorded in
 * `tunnels`, which closes it when the session is revoked.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { correlationIdFrom } from '@hivematrix/sdk';
import { redactUrl, ownOriginsOf } from '../http/index.js';
import type { RateLimiter } from '../http/index.js';
import { mayOpen } from '../registry/index.js';
import type { LiveRegistry } from '../registry/index.js';
import type { SessionManager } from '../session/index.js';
import { upstreamRequestHeaders } from './headers.js';
import { routeFor } from './route.js';
import type { TunnelRegistry } from './tunnels.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

/** Answers a refused handshake on the raw socket and closes it. */
function refuse(socket: Duplex, status: number): void {
  const body = JSON.stringify({ status, title: REASONS[status] ?? 'Error' });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The raw header block of a response, as received (so repeated headers stay repeated). */
function headBlock(statusLine: string, rawHeaders: string[]): string {
  let text = `${statusLine}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) text += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${text}\r\n`;
}

/**
 * What a handshake reads of the gateway. Declared here rather than taken from gateway.ts, which
 * sits above proxy/ (its `Gateway` names this module's types); the `Gateway` satisfies it.
 */
export interface UpgradeContext {
  settings: {
    publicOrigin: string;
    identityUpstreamUrl: string;
    rateLimitPerMinute: number;
    anonRateLimitPerMinute: number;
  };
  registry: Pick<LiveRegistry, 'current'>;
  sessions: Pick<SessionManager, 'resolve'>;
  limiter: RateLimiter;
}

/** Handles the server's `upgrade` event. */
export function createUpgradeHandler(
  gw: UpgradeContext,
  options: { connectTimeoutMs: number; logger: FastifyBaseLogger; tunnels: TunnelRegistry },
) {
  return async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', () => socket.destroy());
    try {
      const route = routeFor(request.url ?? '/', gw.registry.current());
      if (route.kind === 'invalid') return refuse(socket, 400);
      if (route.kind === 'unknown') return refuse(socket, 404);
      const origin = request.headers.origin;
      const own = ownOriginsOf(request, gw.settings.publicOrigin);
      if (origin === undefined || !own.has(origin.toLowerCase())) return refuse(socket, 403);

      let target: URL;
      let bearer: string | undefined;
      let jti: string | undefined;
      let prefix: string | undefined;
      let path: string;
      if (route.kind === 'identity') {
        target = new URL(gw.settings.identityUpstreamUrl);
        path = route.upstreamPath;
      } else {
        const active = await gw.sessions.resolve(request);
        if (!route.isPublic) {
          if (active === null) return refuse(socket, 401);
          if (!mayOpen(route.entry, active.user.permission_level)) return refuse(socket, 403);
          bearer = active.session.token;
          jti = active.user.jti;
        }
        const verdict = gw.limiter.hit(
          active === null ? `ip:${request.socket.remoteAddress ?? ''}` : `user:${active.user.sub}`,
          active === null ? gw.settings.anonRateLimitPerMinute : gw.settings.rateLimitPerMinute,
        );
        if (!verdict.allowed) return refuse(socket, 429);
        target = new URL(route.entry.url);
        path = route.upstreamPath;
        prefix = route.prefix;
      }

      const correlationId = correlationIdFrom(request.headers['x-correlation-id'], randomUUID);
      const headers = upstreamRequestHeaders(
        request.headers,
        {
          clientIp: request.socket.remoteAddress ?? '',
          host: request.headers.host ?? '',
          prefix,
          correlationId,
          bearer,
        },
        { keepUpgrade: true },
      );
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const upstream = send({
        host: target.hostname,
        port: target.port,
        method: request.method,
        path,
        headers,
        timeout: options.connectTimeoutMs,
      });
      upstream.on('timeout', () => upstream.destroy(new Error('connect timeout')));
      upstream.on('upgrade', (response, upstreamSocket, upstreamHead) => {
        upstream.setTimeout(0);
        upstreamSocket.setTimeout(0);
        socket.write(headBlock(`HTTP/1.1 101 ${response.statusMessage ?? 'Switching Protocols'}`, response.rawHeaders));
        if (upstreamHead.length > 0) socket.write(upstreamHead);
        if (head.length > 0) upstreamSocket.write(head);
        upstreamSocket.on('error', () => socket.destroy());
        socket.on('error', () => upstreamSocket.destroy());
        upstreamSocket.pipe(socket).pipe(upstreamSocket);
        if (jti !== undefined) options.tunnels.add(jti, socket, upstreamSocket);
      });
      upstream.on('response', (response) => {
        // The service declined the upgrade: relay its answer.
        socket.write(
          headBlock(`HTTP/1.1 ${response.statusCode ?? 502} ${response.statusMessage ?? ''}`, response.rawHeaders),
        );
        response.pipe(socket);
      });
      upstream.on('error', (error) => {
        options.logger.warn(
          { err: error.message, url: redactUrl(request.url ?? '/').url },
          'websocket upstream failed',
        );
        if (socket.writable) refuse(socket, /timeout/i.test(error.message) ? 504 : 502);
      });
      upstream.end();
    } catch (error) {
      options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'websocket upgrade failed');
      refuse(socket, 502);
    }
  };
}
