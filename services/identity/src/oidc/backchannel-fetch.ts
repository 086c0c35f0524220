/**
 * The HTTP client the provider uses for outgoing requests (in practice: OIDC Back-Channel Logout
 * POSTs to the gateway). It replaces oidc-provider's default fetch for two reasons:
 *
 * - the gateway is HTTPS with a self-signed certificate unless the operator gave one, so the client
 *   trusts an extra CA or certificate (`IDENTITY_BACKCHANNEL_CA_FILE`, which helm points at the
 *   gateway's certificate), can connect to a fixed internal address
 *   (`IDENTITY_BACKCHANNEL_CONNECT_ADDRESS`) while verifying the public name, or, when explicitly
 *   allowed, skip verification for
 *   loopback targets only (`IDENTITY_BACKCHANNEL_INSECURE_LOCAL`); a name that resolves to a
 *   non-loopback address is then refused, so the exception cannot leak to a real host;
 * - the default dispatcher refuses special-use addresses (loopback included) as SSRF protection,
 *   but our only targets are the registered URIs of configured clients (there is no dynamic
 *   client registration), and in development the gateway *is* on loopback.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { readFile } from 'node:fs/promises';
import { rootCertificates, checkServerIdentity } from 'node:tls';

export interface BackchannelFetchOptions {
  /** PEM text of an extra CA to trust (besides the system's). */
  ca?: string | undefined;
  /**
   * A PEM file of an extra CA (or the gateway's self-signed certificate) to trust, read at each
   * delivery: the gateway may create its certificate after identity has started.
   */
  caFile?: string | undefined;
  /**
   * Connect to this address instead of resolving the target's name (the gateway on this
   * machine), still sending its name as SNI and Host and verifying the certificate for it. The
   * public name may not resolve from the server itself (split DNS, NAT), while 127.0.0.1 does.
   */
  connectAddress?: string | undefined;
  /** Skip certificate verification for loopback targets only. */
  insecureLocal: boolean;
  /** Bound on one request when the caller gives no signal. */
  timeoutMs?: number;
}

/** The subset of `fetch` the provider needs: method, headers, a form body, status back. */
export type ProviderFetch = (url: string | URL, init: RequestInit) => Promise<Response>;

/** True for `localhost`, `*.localhost`, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isLoopbackAddress(host);
}

function isLoopbackAddress(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('127.');
  const lower = address.toLowerCase();
  return (
    lower === '::1' || lower === '0:0:0:0:0:0:0:1' || (lower.startsWith('::ffff:') && lower.slice(7).startsWith('127.'))
  );
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup (the `lookup` option of `https.request`) that fails unless every address the name
 * resolves to is a loopback address. Answers in the form the caller asked for (`all` or one).
 */
function loopbackOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    if (addresses.length === 0 || addresses.some((entry) => !isLoopbackAddress(entry.address))) {
      return callback(
        Object.assign(new Error(`${hostname} does not resolve to loopback only`), { code: 'ENOTLOOPBACK' }),
        [],
      );
    }
    const [first] = addresses;
    if (options.all === true || first === undefined) return callback(null, addresses);
    callback(null, first.address, first.family);
  });
}

function bodyText(body: RequestInit['body']): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError('backchannel fetch sends only string or form bodies');
}

/** Builds the provider's fetch with the TLS trust described in `options`. */
export function createBackchannelFetch(options: BackchannelFetchOptions): ProviderFetch {
  const timeoutMs = options.timeoutMs ?? 5_000;

  async function trusted(): Promise<string[] | undefined> {
    const extra = [
      ...(options.ca === undefined ? [] : [options.ca]),
      ...(options.caFile === undefined ? [] : [await readFile(options.caFile, 'utf8')]),
    ];
    return extra.length === 0 ? undefined : [...rootCertificates, ...extra];
  }

  return async (url, init) => {
    const ca = await trusted();
    const target = new URL(url);
    const body = bodyText(init.body);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));

    const requestOptions: https.RequestOptions = {
      method: init.method ?? 'GET',
      headers,
      // Each attempt gets its own timeout: a retry must not inherit an earlier attempt's signal.
      signal: AbortSignal.timeout(timeoutMs),
    };
    if (options.connectAddress !== undefined) {
      requestOptions.hostname = options.connectAddress;
      headers['host'] = target.host;
      if (target.protocol === 'https:') {
        if (isIP(target.hostname) === 0) requestOptions.servername = target.hostname;
        // The certificate must name the target, not the address we connected to.
        const expected = target.hostname.replace(/^\[|\]$/g, '');
        requestOptions.checkServerIdentity = (_host, certificate) => checkServerIdentity(expected, certificate);
      }
    }
    if (target.protocol === 'https:') {
      if (ca !== undefined) requestOptions.ca = ca;
      if (options.insecureLocal && isLoopbackHost(target.hostname)) {
        requestOptions.rejectUnauthorized = false;
        requestOptions.lookup = loopbackOnlyLookup;
      }
    } else if (target.protocol !== 'http:') {
      return Promise.reject(new TypeError(`unsupported protocol ${target.protocol}`));
    }

    return new Promise<Response>((resolve, reject) => {
      const request = (target.protocol === 'https:' ? https : http).request(target, requestOptions, (response) => {
        // Only the status matters to the provider; the body is drained and dropped.
        response.resume();
        response.once('end', () => resolve(new Response(null, { status: response.statusCode ?? 502 })));
        response.once('error', reject);
      });
      request.once('error', reject);
      request.end(body);
    });
  };
}
