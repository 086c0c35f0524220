/**
 * Asking a service whether it is up: `GET <url>/health`. Any 200 or 503 JSON answer that names
 * the service counts as "up" (the process serves requests); its `status` says how well. The
 * gateway's self-signed certificate is accepted on loopback addresses only, or on the hosts a
 * caller names (in a cluster, the gateway's Service name: its certificate is its own there too).
 */
import http from 'node:http';
import https from 'node:https';
import type { HealthStatus } from '@hivematrix/sdk';

/** What a probe found. */
export type ProbeResult = { up: true; status: HealthStatus; httpStatus: number } | { up: false; error: string };

/** A probe function; injectable so tests can script answers. */
export type HealthProbe = (baseUrl: string, service: string, timeoutMs: number) => Promise<ProbeResult>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const STATUSES: readonly HealthStatus[] = ['healthy', 'degraded', 'unhealthy'];

/** A health body's `status` is whatever the service wrote: only the three the SDK defines count. */
function isHealthStatus(value: unknown): value is HealthStatus {
  return STATUSES.some((status) => status === value);
}

/** Reads the answer of `GET <baseUrl>/health` and judges it (self-signed certificates on loopback only). */
export const httpHealthProbe: HealthProbe = (baseUrl, service, timeoutMs) =>
  probeHealth(baseUrl, service, timeoutMs, LOOPBACK);

/** A probe that also accepts a self-signed certificate from `hosts` (besides loopback). */
export function healthProbeTrusting(hosts: Iterable<string>): HealthProbe {
  const accepted = new Set([...LOOPBACK, ...hosts]);
  return (baseUrl, service, timeoutMs) => probeHealth(baseUrl, service, timeoutMs, accepted);
}

function probeHealth(
  baseUrl: string,
  service: string,
  timeoutMs: number,
  selfSignedHosts: ReadonlySet<string>,
): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    const url = new URL('/health', baseUrl);
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(
      url,
      {
        headers: { accept: 'application/json', 'user-agent': 'hivematrix-helm' },
        timeout: timeoutMs,
        ...(url.protocol === 'https:' ? { rejectUnauthorized: !selfSignedHosts.has(url.hostname) } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= 256 * 1024) chunks.push(chunk);
        });
        response.on('end', () => {
          const httpStatus = response.statusCode ?? 0;
          if (httpStatus !== 200 && httpStatus !== 503) return resolve({ up: false, error: `HTTP ${httpStatus}` });
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return resolve({ up: false, error: `HTTP ${httpStatus} without a JSON health body` });
          }
          const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
          if (record.service !== service)
            return resolve({ up: false, error: `answered as ${JSON.stringify(record.service)}, not ${service}` });
          const status: HealthStatus = isHealthStatus(record.status)
            ? record.status
            : httpStatus === 200
              ? 'healthy'
              : 'unhealthy';
          resolve({ up: true, status, httpStatus });
        });
        response.on('error', (error) => resolve({ up: false, error: error.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ up: false, error: error.code ?? error.message }));
  });
}
