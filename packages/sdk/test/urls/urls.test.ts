import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { AppError } from '../../src/errors.js';
import { encodeLocation, isValidPrefix, loginUrl, safeNextPath, urlFor, urlsPlugin } from '../../src/urls.js';

const GATEWAY = '127.0.0.1';

/** An app with the plugin and routes that echo what the plugin computed. */
async function buildApp(trustedProxies: string[] = [GATEWAY]): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(urlsPlugin, { trustedProxies });
  app.get('/prefix', (request) => ({ prefix: request.prefix, link: request.urlFor('/companies', { page: 2 }) }));
  app.get('/login-url', (request) => ({ login: loginUrl(request) }));
  app.get('/go', (_request, reply) => reply.redirectTo('/companies', { sort: 'name' }));
  app.post('/go', (_request, reply) => reply.redirectTo('/companies/7'));
  app.get('/evil', (_request, reply) => reply.redirectTo('//evil.example/'));
  app.get('/unicode', (_request, reply) => reply.redirectTo('/companies/€ é', { q: 'Müller' }));
  return app;
}

async function prefixSeen(
  app: FastifyInstance,
  remoteAddress: string,
  header: string | string[] | undefined,
): Promise<string> {
  const response = await app.inject({
    method: 'GET',
    url: '/prefix',
    remoteAddress,
    headers: header === undefined ? {} : { 'x-forwarded-prefix': header },
  });
  assert.equal(response.statusCode, 200);
  return response.json<{ prefix: string }>().prefix;
}

describe('forwardedPrefix (through urlsPlugin)', () => {
  it('believes X-Forwarded-Prefix from a trusted proxy', async () => {
    const app = await buildApp();
    assert.equal(await prefixSeen(app, GATEWAY, '/codex'), '/codex');
    assert.equal(await prefixSeen(app, GATEWAY, '/apps/codex-2_v1.0~x'), '/apps/codex-2_v1.0~x');
    const response = await app.inject({
      method: 'GET',
      url: '/prefix',
      remoteAddress: GATEWAY,
      headers: { 'x-forwarded-prefix': '/codex' },
    });
    assert.equal(response.json<{ link: string }>().link, '/codex/companies?page=2');
    await app.close();
  });

  it('ignores it from anybody else', async () => {
    const app = await buildApp();
    assert.equal(await prefixSeen(app, '10.1.2.3', '/codex'), '');
    assert.equal(await prefixSeen(app, '127.0.0.2', '/codex'), '');
    assert.equal(await prefixSeen(app, '::1', '/codex'), '');
    const response = await app.inject({
      method: 'GET',
      url: '/prefix',
      remoteAddress: '10.1.2.3',
      headers: { 'x-forwarded-prefix': '/codex' },
    });
    assert.equal(response.json<{ link: string }>().link, '/companies?page=2');
    await app.close();
  });

  it('treats IPv4-mapped IPv6 addresses as their IPv4 form, both ways', async () => {
    const plain = await buildApp(['127.0.0.1']);
    assert.equal(await prefixSeen(plain, '::ffff:127.0.0.1', '/codex'), '/codex');
    await plain.close();
    const mapped = await buildApp(['::FFFF:127.0.0.1']);
    assert.equal(await prefixSeen(mapped, '127.0.0.1', '/codex'), '/codex');
    await mapped.close();
  });

  it('is empty without the header', async () => {
    const app = await buildApp();
    assert.equal(await prefixSeen(app, GATEWAY, undefined), '');
    await app.close();
  });

  it('refuses malformed or malicious prefixes even from the gateway', async () => {
    const app = await buildApp();
    const bad = [
      '//evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      'codex',
      '/codex/',
      '/codex//admin',
      '/..',
      '/codex/../admin',
      '/.',
      '/%2e%2e',
      '/codex?x=1',
      '/codex#x',
      '/co dex',
      '/a\\b',
      '/"><script>alert(1)</script>',
      `/${'a'.repeat(300)}`,
    ];
    for (const value of bad) {
      assert.equal(await prefixSeen(app, GATEWAY, value), '', value);
    }
    // A repeated header is ambiguous: refused.
    assert.equal(await prefixSeen(app, GATEWAY, ['/codex', '/evil']), '');
    await app.close();
  });
});

describe('isValidPrefix', () => {
  it('accepts the empty prefix and well-formed segments only', () => {
    assert.equal(isValidPrefix(''), true);
    assert.equal(isValidPrefix('/codex'), true);
    assert.equal(isValidPrefix('/a/b.c'), true);
    assert.equal(isValidPrefix('/a/../b'), false);
    assert.equal(isValidPrefix('/a/./b'), false);
    assert.equal(isValidPrefix('/'), false);
  });
});

describe('urlFor', () => {
  it('joins prefix, path and query', () => {
    assert.equal(urlFor('/codex', '/companies'), '/codex/companies');
    assert.equal(urlFor('', '/companies'), '/companies');
    assert.equal(urlFor('/codex', '/'), '/codex/');
    assert.equal(
      urlFor('/codex', '/search', { q: 'a b&c=d', page: 2, open: true }),
      '/codex/search?q=a+b%26c%3Dd&page=2&open=true',
    );
  });

  it('repeats keys for arrays and leaves out null and undefined', () => {
    assert.equal(urlFor('', '/t', { tag: ['a', 'b', null], skip: undefined, none: null, n: 0 }), '/t?tag=a&tag=b&n=0');
    assert.equal(urlFor('', '/t', {}), '/t');
  });

  it('extends an existing query and keeps the fragment last', () => {
    assert.equal(urlFor('/codex', '/t?a=1#top', { b: 2 }), '/codex/t?a=1&b=2#top');
    assert.equal(urlFor('/codex', '/t#top', { b: 2 }), '/codex/t?b=2#top');
  });

  it('refuses anything that is not a path of this site', () => {
    for (const path of [
      'companies',
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '/a\nb',
      '',
    ]) {
      assert.throws(
        () => urlFor('/codex', path),
        (error: unknown) => error instanceof AppError && error.code === 'bad_request',
        JSON.stringify(path),
      );
    }
  });

  it('refuses a malformed prefix', () => {
    assert.throws(
      () => urlFor('//evil.example', '/x'),
      (error: unknown) => error instanceof AppError && error.code === 'internal',
    );
  });
});

describe('reply.redirectTo', () => {
  it('redirects a GET with 302 under the prefix', async () => {
    const app = await buildApp();
    const response = await app.inject({
      method: 'GET',
      url: '/go',
      remoteAddress: GATEWAY,
      headers: { 'x-forwarded-prefix': '/codex' },
    });
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, '/codex/companies?sort=name');
    await app.close();
  });

  it('redirects a POST with 303 so the browser follows with a GET', async () => {
    const app = await buildApp();
    const response = await app.inject({
      method: 'POST',
      url: '/go',
      remoteAddress: GATEWAY,
      headers: { 'x-forwarded-prefix': '/codex' },
    });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/codex/companies/7');
    await app.close();
  });

  it('does not use an untrusted prefix', async () => {
    const app = await buildApp();
    const response = await app.inject({
      method: 'GET',
      url: '/go',
      remoteAddress: '10.0.0.9',
      headers: { 'x-forwarded-prefix': '/evil' },
    });
    assert.equal(response.headers.location, '/companies?sort=name');
    await app.close();
  });

  it('refuses to redirect off the site', async () => {
    const app = await buildApp();
    const response = await app.inject({ method: 'GET', url: '/evil', remoteAddress: GATEWAY });
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers.location, undefined);
    await app.close();
  });
});

describe('redirect targets are percent-encoded', () => {
  it('redirectTo sends non-ASCII and Latin-1 characters percent-encoded, never raw', async () => {
    const app = await buildApp();
    const response = await app.inject({
      method: 'GET',
      url: '/unicode',
      remoteAddress: GATEWAY,
      headers: { 'x-forwarded-prefix': '/codex' },
    });
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, '/codex/companies/%E2%82%AC%20%C3%A9?q=M%C3%BCller');
    await app.close();
  });

  it('safeNextPath answers a value that is valid in a Location header', () => {
    assert.equal(safeNextPath('/codex/€'), '/codex/%E2%82%AC');
    assert.equal(safeNextPath('/codex/é?q=ü'), '/codex/%C3%A9?q=%C3%BC');
    assert.equal(safeNextPath('/codex/%E2%82%AC'), '/codex/%E2%82%AC', 'already encoded stays as it is');
    assert.equal(safeNextPath('/a/😀'), '/a/%F0%9F%98%80');
    assert.equal(safeNextPath('/a"<b>'), '/a%22%3Cb%3E');
  });

  it('encodeLocation keeps valid %XX, encodes a stray %, and never throws on a lone surrogate', () => {
    assert.equal(encodeLocation('/x?a=100%25&b=5%'), '/x?a=100%25&b=5%25');
    assert.equal(encodeLocation('/x\ud800'), '/x%EF%BF%BD');
    assert.equal(encodeLocation("/k/a-b_c.d~e:f@g!$&'()*+,;=?#[]"), "/k/a-b_c.d~e:f@g!$&'()*+,;=?#[]");
    for (let code = 0x80; code <= 0xff; code += 1)
      assert.match(encodeLocation(`/${String.fromCharCode(code)}`), /^\/(%[0-9A-F]{2})+$/);
  });
});

describe('loginUrl', () => {
  it("points at the gateway's root login with the prefixed page to come back to", async () => {
    const app = await buildApp();
    const response = await app.inject({
      method: 'GET',
      url: '/login-url?page=2&q=a%20b',
      remoteAddress: GATEWAY,
      headers: { 'x-forwarded-prefix': '/codex' },
    });
    const login = response.json<{ login: string }>().login;
    assert.equal(login, `/login?next=${encodeURIComponent('/codex/login-url?page=2&q=a%20b')}`);
    assert.equal(new URL(login, 'https://hive.example').searchParams.get('next'), '/codex/login-url?page=2&q=a%20b');
    await app.close();
  });

  it('uses the bare path when not behind the gateway', async () => {
    const app = await buildApp();
    const response = await app.inject({
      method: 'GET',
      url: '/login-url',
      remoteAddress: '10.0.0.9',
      headers: { 'x-forwarded-prefix': '/codex' },
    });
    assert.equal(response.json<{ login: string }>().login, '/login?next=%2Flogin-url');
    await app.close();
  });
});

describe('safeNextPath', () => {
  it('keeps same-site paths as they are', () => {
    for (const value of [
      '/',
      '/codex/companies',
      '/codex/companies?page=2&sort=name',
      '/knowledgetree/browse/My%20Folder',
      '/search?q=100%25',
      '/codex/x#section',
      '/a/b%2Fc',
      '/javascript:alert(1)',
    ]) {
      assert.equal(safeNextPath(value), value, value);
    }
  });

  it('refuses every off-site, scripted or obfuscated variant', () => {
    const rejected: unknown[] = [
      undefined,
      null,
      42,
      ['/x'],
      '',
      'companies',
      '//evil.example',
      '///evil.example',
      '////evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '\\/evil.example',
      '/\\/evil.example',
      'https://evil.example/',
      'http:evil.example',
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      '/%2F%2Fevil.example',
      '/%2f%2fevil.example',
      '%2F%2Fevil.example',
      '/%2F/evil.example',
      '/%5Cevil.example',
      '/%5cevil.example',
      '/%5C%5Cevil.example',
      '%5C%5Cevil.example',
      '/%252F%252Fevil.example',
      '/%25252F%25252Fevil.example',
      '/..//evil.example',
      '/%2e%2e//evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '/%09/evil.example',
      '/%0A/evil.example',
      '/x%0d%0aSet-Cookie:%20a=b',
      '/x\u0000',
      '/x%00',
      '/x\u007f',
      ' /x',
      '/x y',
      '/\u00a0/evil.example',
      `/%${'25'.repeat(6)}2F%${'25'.repeat(6)}2Fevil.example`, // seven levels deep
      `/${'a'.repeat(3000)}`,
    ];
    for (const value of rejected) {
      assert.equal(safeNextPath(value), '/', JSON.stringify(value));
    }
  });
});
