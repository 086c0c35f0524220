import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { HTML_CONTENT_TYPE, JsonScript, Page, htmlPlugin, renderDocument } from '../../src/html/index.js';

describe('Page', () => {
  it('is a complete document with head, main and the version footer', () => {
    const out = renderDocument(
      <Page title="Companies" service="codex" version="1.2.3" description="Every client company">
        <p>content</p>
      </Page>,
    );
    assert.equal(
      out,
      '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>' +
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>' +
        '<meta name="description" content="Every client company"/><title>Companies - HiveMatrix</title></head>' +
        '<body><main role="main" aria-label="Main content"><p>content</p></main>' +
        '<footer class="version-footer" role="contentinfo"><span class="version-footer__text">codex v1.2.3</span></footer>' +
        '</body></html>',
    );
  });

  it('ships no CSS and nothing from another origin', () => {
    const out = renderDocument(
      <Page title="T" service="codex">
        x
      </Page>,
    );
    assert.ok(!/<link|<style|style=|https?:\/\/|unpkg|cdn/i.test(out), out);
  });

  it('places head content in <head> and scripts at the end of <body>', () => {
    const out = renderDocument(
      <Page
        title="T"
        service="codex"
        head={<JsonScript id="boot" data={{ a: 1 }} />}
        scripts={<script src="/codex/static/app.js" defer />}
      >
        x
      </Page>,
    );
    assert.match(
      out,
      /<title>T - HiveMatrix<\/title><script type="application\/json" id="boot">\{"a":1\}<\/script><\/head>/,
    );
    assert.match(out, /<\/footer><script src="\/codex\/static\/app.js" defer><\/script><\/body><\/html>$/);
  });

  it('defaults the description to the title and omits a missing version', () => {
    const out = renderDocument(
      <Page title="Home" service="helm">
        x
      </Page>,
    );
    assert.match(out, /<meta name="description" content="Home"\/>/);
    assert.match(out, /<span class="version-footer__text">helm<\/span>/);
  });
});

describe('htmlPlugin', () => {
  it('sends the document as text/html with the status asked for', async () => {
    const app = Fastify();
    await app.register(htmlPlugin);
    app.get('/', (_request, reply) =>
      reply.html(
        <Page title="Home" service="codex">
          hi
        </Page>,
      ),
    );
    app.get('/missing', (_request, reply) =>
      reply.html(
        <Page title="Not found" service="codex">
          gone
        </Page>,
        404,
      ),
    );
    const ok = await app.inject({ method: 'GET', url: '/' });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['content-type'], HTML_CONTENT_TYPE);
    assert.ok(ok.body.startsWith('<!DOCTYPE html><html lang="en">'));
    assert.ok(ok.body.includes('<main role="main" aria-label="Main content">hi</main>'));
    const missing = await app.inject({ method: 'GET', url: '/missing' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers['content-type'], 'text/html; charset=utf-8');
    await app.close();
  });
});
