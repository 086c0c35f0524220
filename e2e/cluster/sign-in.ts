/**
 * Signs in through the gateway as a browser without scripts would: follows the redirects to the
 * identity provider's login page (served by nexus under /keycloak), posts its form, follows the
 * redirects back, and returns the gateway's session cookie. Cookies are kept per name and path
 * (RFC 6265 §5.1.4 path matching; one host, so no domain matching), which is all this flow needs.
 */
import { request } from 'node:https';

/** One answer: its status, headers and body. */
interface Answer {
  status: number;
  location: string | undefined;
  setCookies: string[];
  body: string;
}

/** Cookies keyed `name path`. */
type Jar = Map<string, { name: string; value: string; path: string }>;

function remember(jar: Jar, setCookies: readonly string[], requestPath: string): void {
  for (const line of setCookies) {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const pathAttribute = attributes.find((attribute) => attribute.toLowerCase().startsWith('path='))?.slice(5);
    const defaultPath = requestPath.slice(0, Math.max(1, requestPath.lastIndexOf('/')));
    const path = pathAttribute !== undefined && pathAttribute.startsWith('/') ? pathAttribute : defaultPath;
    const expired = attributes.some((attribute) => /^max-age=(0|-)/i.test(attribute)) || value === '';
    if (expired) jar.delete(`${name} ${path}`);
    else jar.set(`${name} ${path}`, { name, value, path });
  }
}

function cookieHeader(jar: Jar, requestPath: string): string {
  const pathname = requestPath.split('?')[0] ?? '/';
  return [...jar.values()]
    .filter(
      (cookie) =>
        pathname === cookie.path || pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`),
    )
    .sort((a, b) => b.path.length - a.path.length)
    .map((cookie) => `${cookie.name}=${cookie.value}`)
    .join('; ');
}

function send(
  port: number,
  host: string,
  method: string,
  path: string,
  jar: Jar,
  form?: URLSearchParams,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = form?.toString();
    const headers: Record<string, string> = { host, accept: 'text/html', cookie: cookieHeader(jar, path) };
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
      headers.origin = `https://${host}`;
    }
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers,
        servername: host.split(':')[0],
        rejectUnauthorized: false,
        timeout: 15_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const setCookies = res.headers['set-cookie'] ?? [];
          remember(jar, setCookies, path);
          resolve({ status: res.statusCode ?? 0, location: res.headers.location, setCookies, body: text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const decodeEntities = (text: string): string =>
  text
    .replaceAll('&amp;', '&')
    .replaceAll('&quot;', '"')
    .replaceAll('&#x27;', "'")
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');

/** Follows redirects (GET, same origin) from `path`; returns the last answer and its path. */
async function follow(
  port: number,
  host: string,
  first: Answer,
  path: string,
  jar: Jar,
): Promise<{ answer: Answer; path: string }> {
  let answer = first;
  let current = path;
  for (let hops = 0; answer.status >= 300 && answer.status < 400 && answer.location !== undefined; hops += 1) {
    if (hops > 15) throw new Error(`too many redirects from ${path}`);
    const target = new URL(answer.location, `https://${host}${current}`);
    if (target.host !== host) throw new Error(`redirected off the gateway to ${target.href}`);
    current = `${target.pathname}${target.search}`;
    answer = await send(port, host, 'GET', current, jar);
  }
  return { answer, path: current };
}

/**
 * Signs `username` in at the gateway reached on 127.0.0.1:`port` as `host` (`localhost:8443`),
 * starting from `path`; returns the `Cookie` header value of the gateway's session.
 */
export async function signInOverHttp(
  port: number,
  host: string,
  path: string,
  username: string,
  password: string,
): Promise<string> {
  const jar: Jar = new Map();
  const login = await follow(port, host, await send(port, host, 'GET', path, jar), path, jar);
  const action = /<form[^>]*\baction="([^"]+)"/.exec(login.answer.body)?.[1];
  if (login.answer.status !== 200 || action === undefined)
    throw new Error(`no login form at ${login.path} (${login.answer.status})`);
  const target = new URL(decodeEntities(action), `https://${host}${login.path}`);
  const postPath = `${target.pathname}${target.search}`;
  const posted = await send(port, host, 'POST', postPath, jar, new URLSearchParams({ username, password }));
  const back = await follow(port, host, posted, postPath, jar);
  if (back.answer.status !== 200) throw new Error(`signing in ended at ${back.path} with ${back.answer.status}`);
  const session = [...jar.values()].find((cookie) => cookie.name === '__Host-hm_session');
  if (session === undefined) throw new Error(`signing in ended at ${back.path} without the gateway's session cookie`);
  return `${session.name}=${session.value}`;
}
