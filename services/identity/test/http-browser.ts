/**
 * A minimal browser for driving identity over HTTP in tests: a cookie jar, redirects followed by
 * hand (so each hop can be inspected), forms posted with the `Origin` header a browser sends, and
 * URLs on the public issuer mapped to the address identity really listens on.
 */

/** One stored cookie (name, value, path); domain and expiry beyond deletion are not modelled. */
interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

export interface BrowserOptions {
  /** Maps a public URL (the issuer's origin) to the address the test can reach. */
  toInternal: (url: string) => string;
  /** The origin pages are served from, sent as `Origin` on form posts. */
  origin: string;
}

export interface TestBrowser {
  /** GET without following redirects. */
  get(url: string, headers?: Record<string, string>): Promise<Response>;
  /** POST a form as a browser would (urlencoded, `Origin` header, cookies). */
  postForm(url: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** The cookies that would be sent to `url`. */
  cookiesFor(url: string): Record<string, string>;
  /** Forgets every cookie (a new browser profile). */
  clear(): void;
  /** The same browser (same cookies) talking to another instance behind the same public origin. */
  via(toInternal: (url: string) => string): TestBrowser;
}

function defaultPath(url: URL): string {
  const path = url.pathname;
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

/** Creates a browser with an empty cookie jar. */
export function createBrowser(options: BrowserOptions, jar = new Map<string, StoredCookie>()): TestBrowser {
  function store(url: URL, response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const name = pair.slice(0, equals);
      const value = pair.slice(equals + 1);
      let path = defaultPath(url);
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', raw = ''] = attribute.split('=');
        const lower = key.toLowerCase();
        if (lower === 'path' && raw.startsWith('/')) path = raw;
        if (lower === 'max-age' && Number(raw) <= 0) expired = true;
        if (lower === 'expires' && Date.parse(raw) <= Date.now()) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) jar.delete(key);
      else jar.set(key, { name, value, path });
    }
  }

  function cookiesFor(target: string): Record<string, string> {
    const path = new URL(target).pathname;
    const cookies: Record<string, string> = {};
    const matching = [...jar.values()]
      .filter((cookie) => pathMatches(path, cookie.path))
      .sort((a, b) => b.path.length - a.path.length);
    for (const cookie of matching) cookies[cookie.name] ??= cookie.value;
    return cookies;
  }

  async function send(
    method: string,
    target: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<Response> {
    const url = new URL(options.toInternal(target));
    const cookieHeader = Object.entries(cookiesFor(url.href))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { ...(cookieHeader === '' ? {} : { cookie: cookieHeader }), ...headers },
      ...(body === undefined ? {} : { body }),
    });
    store(url, response);
    return response;
  }

  return {
    get: (url, headers = {}) => send('GET', url, undefined, headers),
    postForm: (url, fields, headers = {}) =>
      send('POST', url, new URLSearchParams(fields).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
        origin: options.origin,
        ...headers,
      }),
    cookiesFor: (url) => cookiesFor(options.toInternal(url)),
    clear: () => jar.clear(),
    via: (toInternal) => createBrowser({ ...options, toInternal }, jar),
  };
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
  '&#x2F;': '/',
};

/** Decodes the HTML entities preact emits in attribute values. */
export function decodeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39|#x27|#x2F);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** The action of the first form of a page that has a field named `field`, made absolute. */
export function formAction(html: string, pageUrl: string, field?: string): string {
  const forms = html.match(/<form\b[^>]*>[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find((candidate) => field === undefined || candidate.includes(`name="${field}"`));
  const action = form === undefined ? undefined : /\baction="([^"]*)"/.exec(form)?.[1];
  if (action === undefined)
    throw new Error(
      `no form${field === undefined ? '' : ` with a ${field} field`} on the page:\n${html.slice(0, 2000)}`,
    );
  return new URL(decodeHtml(action), pageUrl).href;
}

/** The value of a hidden input of a page. */
export function hiddenValue(html: string, name: string): string {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  const value = input === undefined ? undefined : /\bvalue="([^"]*)"/.exec(input)?.[1];
  if (value === undefined) throw new Error(`no hidden input ${name} on the page`);
  return decodeHtml(value);
}

/** The Location header of a redirect, made absolute; throws when the answer is not a redirect. */
export async function redirectTarget(response: Response, from: string): Promise<string> {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || location === null) {
    const text = await response.text().catch(() => '');
    throw new Error(`expected a redirect from ${from}, got ${response.status}:\n${text.slice(0, 2000)}`);
  }
  return new URL(location, from).href;
}
