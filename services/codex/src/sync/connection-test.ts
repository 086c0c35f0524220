/**
 * "Test connection": one real, read-only request to the vendor with the entered address and
 * credentials (Freshservice lists one department, Datto signs in and lists one site, SuperOps
 * lists one client), answered with a message an administrator can act on: a refused key (401),
 * a key without the right (403), a wrong address (DNS failure, nothing listening, or 404), a
 * timeout, a certificate that does not verify, or an answer that is not the vendor's API.
 * No retries: the admin is waiting and a retry would only hide the cause.
 */
import type { Connection } from '../domain/index.js';
import { apiRoot } from './http.js';

export type ConnectionTestCode =
  | 'ok'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'tls'
  | 'rate_limited'
  | 'vendor_error'
  | 'unexpected';

export interface ConnectionTestResult {
  ok: boolean;
  code: ConnectionTestCode;
  message: string;
}

export interface ConnectionTestDeps {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
}

const VENDOR: Record<Connection['provider'], string> = {
  freshservice: 'Freshservice',
  datto: 'Datto RMM',
  superops: 'SuperOps',
};

/** The Node/undici error code behind a failed fetch, if any. */
function causeCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return '';
}

/** A failed request (no HTTP answer) as a result. */
export function describeFailure(error: unknown, url: string, timeoutMs: number): ConnectionTestResult {
  const host = new URL(url).host;
  const name = error instanceof Error ? error.name : '';
  const code = causeCode(error);
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'ETIMEDOUT'
  ) {
    return {
      ok: false,
      code: 'timeout',
      message: `${host} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} (timeout). Check the address, and that this server may reach it (firewall, proxy).`,
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return {
      ok: false,
      code: 'dns',
      message: `The domain ${new URL(url).hostname} could not be found (DNS lookup failed). Check the address for a typo.`,
    };
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET') {
    return {
      ok: false,
      code: 'refused',
      message: `Nothing answered at ${host} (${code}). Check the address and port.`,
    };
  }
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) {
    return {
      ok: false,
      code: 'tls',
      message: `The certificate of ${host} could not be verified (${code}), so no credentials were sent. Use the vendor's own https address; certificates are always verified.`,
    };
  }
  const detail = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  // Redirects are not followed (the credentials would go along): say so instead of "fetch failed".
  if (/redirect/i.test(cause)) {
    return {
      ok: false,
      code: 'unexpected',
      message: `${host} answered with a redirect, which is not followed (the credentials would go along). Enter the address the vendor gives, e.g. with https://.`,
    };
  }
  return {
    ok: false,
    code: 'unexpected',
    message: `The request to ${host} failed: ${code === '' ? detail : `${detail} (${code})`}.`,
  };
}

/** A non-2xx answer as a result. */
function describeStatus(
  provider: Connection['provider'],
  status: number,
  host: string,
  what: string,
): ConnectionTestResult {
  const vendor = VENDOR[provider];
  if (status === 401)
    return {
      ok: false,
      code: 'unauthorized',
      message: `${vendor} refused the credentials (401 Unauthorized). Check the ${what}; it may have been regenerated or revoked.`,
    };
  if (status === 403)
    return {
      ok: false,
      code: 'forbidden',
      message: `${vendor} accepted the credentials but refused access (403 Forbidden): the API user lacks the permission to read this, or API access is turned off for the account.`,
    };
  if (status === 404)
    return {
      ok: false,
      code: 'not_found',
      message: `There is no ${vendor} API at ${host} (404 Not Found). Check the address, e.g. the account's domain.`,
    };
  if (status === 429)
    return {
      ok: false,
      code: 'rate_limited',
      message: `${vendor} asks to slow down (429 Too Many Requests); try again in a minute.`,
    };
  if (status >= 500)
    return {
      ok: false,
      code: 'vendor_error',
      message: `${vendor} answered with an error (${status}); the address looks right, try again later.`,
    };
  return {
    ok: false,
    code: 'unexpected',
    message: `${vendor} answered ${status}, which a working API does not; check the address.`,
  };
}

async function jsonOf(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Tests `connection` with one read-only request (two for Datto: sign-in, then a list). */
export async function testConnection(connection: Connection, deps: ConnectionTestDeps): Promise<ConnectionTestResult> {
  const vendor = VENDOR[connection.provider];
  const secret = (name: string) => connection.credentials[name] ?? '';
  const request = async (url: string, init: RequestInit): Promise<Response | ConnectionTestResult> => {
    try {
      return await deps.fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(deps.timeoutMs) });
    } catch (error) {
      return describeFailure(error, url, deps.timeoutMs);
    }
  };
  const notTheApi = (host: string): ConnectionTestResult => ({
    ok: false,
    code: 'unexpected',
    message: `${host} answered, but not like the ${vendor} API. Check the address.`,
  });

  switch (connection.provider) {
    case 'freshservice': {
      const url = `${apiRoot(connection.baseUrl)}/api/v2/departments?per_page=1`;
      const host = new URL(url).host;
      const answer = await request(url, {
        headers: {
          authorization: `Basic ${Buffer.from(`${secret('apiKey')}:X`).toString('base64')}`,
          accept: 'application/json',
        },
      });
      if (!(answer instanceof Response)) return answer;
      if (!answer.ok) return describeStatus('freshservice', answer.status, host, 'API key');
      const body = await jsonOf(answer);
      if (!isObject(body) || !Array.isArray(body.departments)) return notTheApi(host);
      return {
        ok: true,
        code: 'ok',
        message: `Connected to Freshservice at ${host}: the API key may read departments.`,
      };
    }
    case 'datto': {
      const origin = new URL(apiRoot(connection.baseUrl)).origin;
      const host = new URL(origin).host;
      const tokenAnswer = await request(`${origin}/auth/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('public-client:public').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({
          grant_type: 'password',
          username: secret('apiKey'),
          password: secret('apiSecret'),
        }).toString(),
      });
      if (!(tokenAnswer instanceof Response)) return tokenAnswer;
      // The OAuth endpoint answers 400 invalid_grant (RFC 6749 §5.2) or 401 for a wrong key or secret.
      if (tokenAnswer.status === 400 || tokenAnswer.status === 401)
        return describeStatus('datto', 401, host, 'API key and secret key');
      if (!tokenAnswer.ok) return describeStatus('datto', tokenAnswer.status, host, 'API key and secret key');
      const token = await jsonOf(tokenAnswer);
      if (!isObject(token) || typeof token.access_token !== 'string') return notTheApi(host);
      const sites = await request(`${origin}/api/v2/account/sites?max=1`, {
        headers: { authorization: `Bearer ${token.access_token}`, accept: 'application/json' },
      });
      if (!(sites instanceof Response)) return sites;
      if (!sites.ok) return describeStatus('datto', sites.status, host, 'API key and secret key');
      const body = await jsonOf(sites);
      if (!isObject(body) || !Array.isArray(body.sites)) return notTheApi(host);
      return { ok: true, code: 'ok', message: `Connected to Datto RMM at ${host}: signed in and may read sites.` };
    }
    case 'superops': {
      const url = connection.baseUrl;
      const host = new URL(url).host;
      const answer = await request(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${secret('apiToken')}`,
          customersubdomain: connection.settings.subdomain ?? '',
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({
          query:
            'query getClientList($input: ListInfoInput!) { getClientList(input: $input) { listInfo { totalCount } } }',
          variables: { input: { page: 1, pageSize: 1 } },
        }),
      });
      if (!(answer instanceof Response)) return answer;
      if (!answer.ok) return describeStatus('superops', answer.status, host, 'API token and subdomain');
      const body = await jsonOf(answer);
      if (!isObject(body)) return notTheApi(host);
      if (Array.isArray(body.errors) && body.errors.length > 0) {
        const first = body.errors[0] as unknown;
        const text = isObject(first) && typeof first.message === 'string' ? first.message.slice(0, 200) : 'an error';
        return /auth|token|permission|unauthori[sz]ed|forbidden/i.test(text)
          ? { ok: false, code: 'unauthorized', message: `SuperOps refused the API token or subdomain: ${text}` }
          : { ok: false, code: 'unexpected', message: `SuperOps answered with an error: ${text}` };
      }
      if (!isObject(body.data)) return notTheApi(host);
      return { ok: true, code: 'ok', message: `Connected to SuperOps at ${host}: the token may read clients.` };
    }
  }
}
