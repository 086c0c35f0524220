/** The CLI's side of the control channel: HTTP over the daemon's Unix socket. */
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import type { HelmPaths } from '../paths.js';
import { platformStatusSchema, type PlatformStatus } from '../status.js';
import { processAlive } from '../supervisor/index.js';

/** An answer from the daemon. */
export interface ControlAnswer {
  status: number;
  body: unknown;
}

/** Sends one request to the daemon; rejects when the socket does not answer. */
export function controlRequest(
  socket: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 600_000,
): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      {
        socketPath: socket,
        method,
        path,
        timeout: timeoutMs,
        headers:
          payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text === '' ? null : JSON.parse(text);
          } catch {
            // Not JSON: keep the text.
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`helm did not answer ${method} ${path} in time`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** The message of a problem+json answer. */
export function problemMessage(answer: ControlAnswer): string {
  const body = answer.body as { detail?: unknown; title?: unknown } | null;
  return typeof body?.detail === 'string'
    ? body.detail
    : typeof body?.title === 'string'
      ? body.title
      : `HTTP ${answer.status}`;
}

/** The daemon's pid from its pid file, when that process is alive. */
export async function daemonPid(paths: HelmPaths): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(paths.pidFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 1 && processAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The daemon's status, or undefined when no daemon answers. */
export async function fetchStatus(paths: HelmPaths): Promise<PlatformStatus | undefined> {
  try {
    const answer = await controlRequest(paths.socket, 'GET', '/status', undefined, 5000);
    if (answer.status !== 200) return undefined;
    return platformStatusSchema.parse(answer.body);
  } catch {
    return undefined;
  }
}
