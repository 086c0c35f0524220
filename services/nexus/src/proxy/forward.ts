/**
 * One proxied exchange over undici: the request body streams to the service (with a size cap),
 * the response streams back (downloads and SSE are never buffered), except full HTML pages, which
 * are buffered up to a cap to be composed with the side panel. Failures before the response
 * starts become a 413, 502 or 504 that names the service.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { AppError } from '@hivematrix/sdk';
import { keepCsp } from '../http/index.js';
import type { ComposeContext, PageComposer } from '../http/index.js';
import { downstreamResponseHeaders, upstreamRequestHeaders, type ForwardedInfo } from './headers.js';

/** Where and how to forward one request. */
export interface ForwardTarget {
  /** The service's name, for error messages. */
  service: string;
  /** `http://127.0.0.1:5010`. */
  origin: string;
  /** Path and query at the service. */
  path: string;
  info: ForwardedInfo;
  /** Compose full HTML pages with this context (built only for such a page); null passes everything through. */
  compose: (() => ComposeContext) | null;
  /** The identity provider: its cookies are hardened and its own CSP is kept. */
  identity: boolean;
  maxBodyBytes: number;
}

/** Settings shared by every forward. */
export interface ForwardSettings {
  dispatcher: Dispatcher;
  composer: PageComposer;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  composeMaxBytes: number;
}

/** Thrown inside the upload stream when it exceeds the cap. */
class BodyTooLarge extends Error {}

/** A pass-through stream that fails once more than `max` bytes went through it. */
function capped(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > max) callback(new BodyTooLarge(`more than ${max} bytes`));
      else callback(null, chunk);
    },
  });
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Maps a transport failure to the answer the browser gets. */
export function upstreamFailure(service: string, error: unknown): AppError {
  if (error instanceof BodyTooLarge || (error instanceof Error && error.cause instanceof BodyTooLarge)) {
    return new AppError('payload_too_large', 'The request body is too large.');
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new AppError('gateway_timeout', `The service "${service}" did not answer in time.`, { cause: error });
  }
  return new AppError('bad_gateway', `The service "${service}" is not reachable right now.`, { cause: error });
}

/** True for an HTML document we can compose: UTF-8 (or unspecified), not compressed. */
function composable(headers: Record<string, string | string[]>): boolean {
  const type = String(headers['content-type'] ?? '');
  if (!/^text\/html\b/i.test(type)) return false;
  const charset = /charset=([^;]+)/i.exec(type)?.[1]?.trim().toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return false;
  const encoding = headers['content-encoding'];
  return encoding === undefined || encoding === 'identity';
}

/** Reads up to `max` bytes; returns the text, or the chunks read so far when the body is larger. */
async function bufferUpTo(
  body: Readable,
  max: number,
): Promise<{ complete: true; text: string } | { complete: false; head: Buffer[] }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    size += buffer.length;
    if (size > max) return { complete: false, head: chunks };
  }
  return { complete: true, text: Buffer.concat(chunks).toString('utf8') };
}

/** An iterable of the chunks already read, then the rest of the body. */
async function* replay(head: Buffer[], rest: Readable): AsyncGenerator<Buffer> {
  yield* head;
  for await (const chunk of rest) yield chunk as Buffer;
}

/**
 * Forwards the request to `target` and sends the answer. Throws an AppError (413/502/504) when
 * nothing was sent yet; a failure in the middle of a streamed body ends the connection instead.
 */
export async function forward(
  settings: ForwardSettings,
  request: FastifyRequest,
  reply: FastifyReply,
  target: ForwardTarget,
): Promise<FastifyReply> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > target.maxBodyBytes)
    throw new AppError('payload_too_large', `The request body is larger than ${target.maxBodyBytes} bytes.`);

  const abort = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  const method = request.method;
  let body: Readable | undefined;
  if (hasBody(request)) {
    body = request.raw.pipe(capped(target.maxBodyBytes));
    request.raw.once('error', (error) => body?.destroy(error));
  }

  let response: Dispatcher.ResponseData;
  try {
    response = await settings.dispatcher.request({
      origin: target.origin,
      path: target.path,
      method,
      headers: upstreamRequestHeaders(request.headers, target.info),
      body: body ?? null,
      headersTimeout: settings.headersTimeoutMs,
      bodyTimeout: settings.bodyTimeoutMs,
      signal: abort.signal,
    });
  } catch (error) {
    request.raw.unpipe();
    throw upstreamFailure(target.service, error);
  }

  const headers = downstreamResponseHeaders(response.headers, { hardenCookies: target.identity });
  if (target.identity) keepCsp(reply);
  void reply.code(response.statusCode);
  const noBody = method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304;

  if (target.compose !== null && !noBody && composable(headers)) {
    let buffered;
    try {
      buffered = await bufferUpTo(response.body, settings.composeMaxBytes);
    } catch (error) {
      throw upstreamFailure(target.service, error);
    }
    delete headers['content-length'];
    void reply.headers(headers);
    if (buffered.complete) return reply.send(settings.composer.composePage(buffered.text, target.compose()));
    request.log.warn({ service: target.service }, 'HTML page above the composition cap passed through uncomposed');
    return reply.send(Readable.from(replay(buffered.head, response.body)));
  }
  void reply.headers(headers);
  if (noBody) {
    response.body.resume();
    return reply.send();
  }
  // A small body of known length is read whole and sent with the headers in one write (one TLS
  // record, one syscall); anything larger or of unknown length (downloads, SSE) streams.
  const length = Number(headers['content-length'] ?? Number.NaN);
  if (length <= SMALL_BODY_BYTES) {
    try {
      return reply.send(Buffer.from(await response.body.arrayBuffer()));
    } catch (error) {
      throw upstreamFailure(target.service, error);
    }
  }
  return reply.send(response.body);
}

/** Bodies up to this size (with a Content-Length) are sent in one piece. */
const SMALL_BODY_BYTES = 64 * 1024;
