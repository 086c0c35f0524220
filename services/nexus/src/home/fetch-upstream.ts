/**
 * One read of the platform home: a GET to a service's JSON API with the user's own token, so the
 * service's own rules decide what the user may see (nexus grants nothing extra), with a short
 * timeout so one slow service cannot hold the page. The answer is parsed with a schema: a service
 * that answers something else is treated like one that is down.
 */
import type { ZodType } from 'zod';
import type { ServicesFile } from '@hivematrix/sdk';

/** What a panel's read came to. */
export type Fetched<T> =
  | { kind: 'ok'; data: T }
  /** The service refused this user (401/403): the panel is not theirs, it is left out. */
  | { kind: 'forbidden' }
  /** Not in the registry: the panel is left out. */
  | { kind: 'absent' }
  /** Down, too slow, an error status or an answer of the wrong shape: the panel says so. */
  | { kind: 'unavailable'; reason: string };

/** What every read shares. */
export interface UpstreamReader {
  services: ServicesFile;
  token: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
}

/** GETs `path` from `service` and parses the JSON answer with `schema`; never throws. */
export async function fetchUpstream<T>(
  reader: UpstreamReader,
  service: string,
  path: string,
  schema: ZodType<T>,
): Promise<Fetched<T>> {
  const entry = Object.hasOwn(reader.services, service) ? reader.services[service] : undefined;
  if (entry === undefined) return { kind: 'absent' };
  try {
    const response = await reader.fetch(`${entry.url.replace(/\/+$/, '')}${path}`, {
      // A page view is a one-off read: a service that answers from a shared cache (beacon's board)
      // revalidates, so what the user just did (loading the demo data) shows at once.
      headers: { authorization: `Bearer ${reader.token}`, accept: 'application/json', 'cache-control': 'no-cache' },
      signal: AbortSignal.timeout(reader.timeoutMs),
      redirect: 'manual',
    });
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return { kind: 'forbidden' };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { kind: 'unavailable', reason: `answered ${response.status}` };
    }
    const parsed = schema.safeParse(await response.json());
    return parsed.success
      ? { kind: 'ok', data: parsed.data }
      : { kind: 'unavailable', reason: 'answered in an unexpected shape' };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      kind: 'unavailable',
      reason: timedOut ? `did not answer within ${reader.timeoutMs} ms` : 'could not be reached',
    };
  }
}
