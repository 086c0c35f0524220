/**
 * Calls to the platform's other services made for one user, with that user's own platform token
 * (Bearer), so codex, ledger and knowledgetree apply their own permission rules to every answer:
 * brainhair never holds a service token that could read more than the person asking.
 */
import { AppError } from '@hivematrix/sdk';
import type { z } from 'zod';

export type ServiceName = 'codex' | 'ledger' | 'knowledgetree';

export interface PlatformClientOptions {
  urls: Record<ServiceName, string>;
  timeoutMs: number;
  /** Injected so tests can watch or adapt calls; `globalThis.fetch` in production. */
  fetch?: typeof globalThis.fetch;
}

export interface UserCall {
  /** The signed-in user's platform token, forwarded as is. */
  token: string;
  signal?: AbortSignal | undefined;
}

/** What a refused or failed call says, in a form safe to show the model and the user. */
export class UpstreamError extends Error {
  constructor(
    readonly service: ServiceName,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface PlatformClient {
  request<T>(
    service: ServiceName,
    call: UserCall,
    path: string,
    schema: z.ZodType<T>,
    init?: { method?: string; body?: unknown },
  ): Promise<T>;
}

/** The client: JSON in and out, a timeout per call, problem+json turned into UpstreamError. */
export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    async request(service, call, path, schema, init = {}) {
      const base = options.urls[service];
      const signals = [AbortSignal.timeout(options.timeoutMs), ...(call.signal ? [call.signal] : [])];
      let response: Response;
      try {
        response = await doFetch(new URL(path, base), {
          method: init.method ?? 'GET',
          headers: {
            authorization: `Bearer ${call.token}`,
            accept: 'application/json',
            ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
          signal: AbortSignal.any(signals),
        });
      } catch (error) {
        if (call.signal?.aborted === true) throw new AppError('conflict', 'Stopped');
        throw new UpstreamError(
          service,
          502,
          'unreachable',
          `${service} could not be reached (${error instanceof Error ? error.name : 'error'})`,
        );
      }
      const text = await response.text();
      if (!response.ok) {
        let detail = `${service} answered ${response.status}`;
        let code = 'error';
        try {
          const problem = JSON.parse(text) as { detail?: unknown; code?: unknown };
          if (typeof problem.detail === 'string') detail = `${service}: ${problem.detail.slice(0, 300)}`;
          if (typeof problem.code === 'string') code = problem.code;
        } catch {
          // not problem+json: keep the status line only
        }
        throw new UpstreamError(service, response.status, code, detail);
      }
      if (response.status === 204 || text === '') return schema.parse(null);
      const parsed = schema.safeParse(JSON.parse(text));
      if (!parsed.success)
        throw new UpstreamError(service, 502, 'bad_response', `${service} answered in an unexpected shape`);
      return parsed.data;
    },
  };
}
