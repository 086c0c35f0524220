/**
 * The user's settings in codex drive the gateway: `/` opens the saved home page (when the user
 * may open it), pages are composed with the saved theme and accent, the theme toggle writes
 * through to codex, a settings change made in codex through the gateway shows on the next page,
 * API calls never wait for codex, and without codex the defaults apply.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { ADMIN, TECH, startNexus, type NexusHarness } from './harness.js';

const NAVIGATE = { accept: 'text/html', 'sec-fetch-mode': 'navigate' };
const JSON_FETCH = { accept: 'application/json', 'sec-fetch-mode': 'cors' };

interface Saved {
  theme: 'light' | 'dark';
  accent: string;
  home_page: string;
}

/** A codex that keeps settings per user (the token's `sub`) and counts the reads. */
async function startFakeCodex(initial: Record<string, Saved>) {
  const saved = new Map(Object.entries(initial));
  const calls: string[] = [];
  const subOf = (request: IncomingMessage): string =>
    String(decodeJwt(String(request.headers.authorization).replace(/^Bearer /, '')).sub);
  const readBody = async (request: IncomingMessage): Promise<string> => {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    return text;
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const sub = subOf(request);
      calls.push(`${request.method} ${request.url}`);
      const current = saved.get(sub);
      if (request.url === '/api/my/settings' && request.method === 'PUT') {
        const change = JSON.parse(await readBody(request)) as Partial<Saved>;
        saved.set(sub, { theme: 'light', accent: 'purple', home_page: 'beacon', ...current, ...change });
      } else if (request.url === '/settings' && request.method === 'POST') {
        // codex's own settings form (urlencoded), answered with a redirect as codex does
        const form = new URLSearchParams(await readBody(request));
        saved.set(sub, {
          theme: form.get('theme') === 'dark' ? 'dark' : 'light',
          accent: form.get('accent') ?? 'purple',
          home_page: form.get('home_page') ?? 'beacon',
        });
        response.writeHead(303, { location: '/codex/settings' }).end();
        return;
      } else if (request.url !== '/api/my/settings') {
        response.writeHead(404).end();
        return;
      }
      const value = saved.get(sub);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          value === undefined
            ? { theme: 'light', accent: 'purple', home_page: 'beacon', source: 'default' }
            : { ...value, source: 'saved' },
        ),
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    saved,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('nexus: user settings from codex', () => {
  let h: NexusHarness;
  let codex: Awaited<ReturnType<typeof startFakeCodex>>;
  before(async () => {
    codex = await startFakeCodex({
      [ADMIN.sub]: { theme: 'dark', accent: 'teal', home_page: 'billingsvc' },
      // A home page the technician may not open: `/` falls back to the first service.
      [TECH.sub]: { theme: 'light', accent: 'orange', home_page: 'adminsvc' },
    });
    h = await startNexus({ extraServices: { codex: codex.url } });
  });
  after(async () => {
    await h.close();
    await codex.close();
  });

  async function page(cookie: string, path = '/echo-svc/page'): Promise<string> {
    const res = await h.fetch(path, { headers: { cookie, ...NAVIGATE } });
    assert.equal(res.statusCode, 200);
    return res.body.text();
  }

  it('opens the home page saved in codex, when the user may open it', async () => {
    const admin = (await h.login(ADMIN)).cookie;
    const root = await h.fetch('/', { headers: { cookie: admin, ...NAVIGATE } });
    await root.body.dump();
    assert.equal(root.headers.location, '/billingsvc/');

    const tech = (await h.login(TECH)).cookie;
    const techRoot = await h.fetch('/', { headers: { cookie: tech, ...NAVIGATE } });
    await techRoot.body.dump();
    assert.equal(techRoot.statusCode, 200, 'adminsvc is not open to a technician: the platform home instead');
  });

  it('composes pages with the theme and accent saved in codex, and API calls never ask codex', async () => {
    const { cookie } = await h.login(ADMIN);
    const html = await page(cookie);
    assert.match(html, /<html[^>]*data-theme="dark"/);
    assert.match(html, /<html[^>]*data-color-theme="teal"/);
    const reads = codex.calls.length;
    for (let i = 0; i < 5; i += 1) {
      const res = await h.fetch('/echo-svc/echo', { headers: { cookie, ...JSON_FETCH } });
      await res.body.dump();
      assert.equal(res.statusCode, 200);
    }
    await page(cookie);
    assert.equal(codex.calls.length, reads, 'read once, then served from the session for a while');
  });

  it('writes the theme toggle through to codex', async () => {
    const { cookie } = await h.login(TECH);
    const res = await h.fetch('/api/preferences', {
      method: 'PUT',
      headers: {
        cookie,
        'content-type': 'application/json',
        origin: 'https://nexus.test',
        'sec-fetch-site': 'same-origin',
      },
      body: JSON.stringify({ theme: 'dark' }),
    });
    assert.equal(res.statusCode, 200, await res.body.text());
    assert.equal(codex.saved.get(TECH.sub)?.theme, 'dark');
    assert.match(await page(cookie), /<html[^>]*data-theme="dark"/);
  });

  it('shows a change made in codex through the gateway on the very next page', async () => {
    const { cookie } = await h.login(ADMIN);
    assert.match(await page(cookie), /data-color-theme="teal"/);
    const res = await h.fetch('/codex/settings', {
      method: 'POST',
      headers: {
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://nexus.test',
        'sec-fetch-site': 'same-origin',
      },
      body: 'theme=light&accent=green&home_page=echo-svc',
    });
    await res.body.dump();
    assert.equal(res.statusCode, 303);
    const html = await page(cookie);
    assert.match(html, /<html[^>]*data-theme="light"/);
    assert.match(html, /<html[^>]*data-color-theme="green"/);
    const root = await h.fetch('/', { headers: { cookie, ...NAVIGATE } });
    await root.body.dump();
    assert.equal(root.headers.location, '/echo-svc/');
  });
});

describe('nexus: user settings without codex', () => {
  let h: NexusHarness;
  before(async () => {
    h = await startNexus();
  });
  after(() => h.close());

  it('uses the defaults and shows the platform home at /', async () => {
    const { cookie } = await h.login(ADMIN);
    const res = await h.fetch('/echo-svc/page', { headers: { cookie, ...NAVIGATE } });
    const html = await res.body.text();
    assert.match(html, /<html[^>]*data-theme="light"/);
    const root = await h.fetch('/', { headers: { cookie, ...NAVIGATE } });
    assert.equal(root.statusCode, 200);
    assert.match(await root.body.text(), /<html[^>]*data-theme="light"[\s\S]*Welcome, Ada Admin/);
  });
});
