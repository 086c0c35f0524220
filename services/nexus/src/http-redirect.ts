/**
 * The optional plain-HTTP listener: it serves nothing, it only sends browsers to HTTPS (301 for
 * GET/HEAD, 308 for other methods so the method is kept; RFC 9110 §15.4). The redirect goes to
 * the configured public URL, never to the Host header a client sent.
 */
import { createServer, type Server } from 'node:http';

/**
 * Node reads the request target as Latin-1, one character per byte: every byte a URI may not hold
 * as it is (RFC 3986 §2) is percent-encoded, so no raw byte of 0x80–0xFF reaches `Location`.
 */
function percentEncodeRaw(target: string): string {
  return target.replace(
    /[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g,
    (char) => `%${(char.charCodeAt(0) & 0xff).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** Creates (does not start) the redirecting server. */
export function createRedirectServer(publicUrl: string): Server {
  const base = new URL(publicUrl);
  return createServer((request, response) => {
    const raw = request.url ?? '/';
    // Only a path of this site: `//evil.example/` would otherwise resolve to another host.
    const pathAndQuery = raw.startsWith('/') && !raw.startsWith('//') ? percentEncodeRaw(raw) : '/';
    const status = request.method === 'GET' || request.method === 'HEAD' ? 301 : 308;
    response
      .writeHead(status, { Location: `${base.origin}${pathAndQuery}`, 'Content-Length': '0', Connection: 'close' })
      .end();
  });
}
