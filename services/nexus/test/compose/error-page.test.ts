/** renderErrorPage: a complete document with the design-system classes, escaped, composable. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composePage, renderErrorPage } from '../../src/compose/index.js';
import { count, makeContext } from './fixtures.js';

describe('renderErrorPage', () => {
  it('renders a complete document naming the status, title, message and service, escaped', () => {
    const page = renderErrorPage({
      status: 502,
      title: 'Service unavailable',
      message: 'The <b>codex</b> service did not answer.',
      service: '<script>alert(1)</script>',
    });
    assert.ok(page.startsWith('<!DOCTYPE html><html lang="en">'));
    assert.match(page, /<p class="error-page__status error-page__status--server">Error 502<\/p>/);
    assert.match(page, /<h1 class="error-page__title" id="error-page-title">Service unavailable<\/h1>/);
    assert.ok(page.includes('The &lt;b>codex&lt;/b> service did not answer.'));
    assert.ok(page.includes('<code>&lt;script>alert(1)&lt;/script></code>'));
    assert.doesNotMatch(page, /<script>/);
    assert.match(page, /<a class="btn btn--primary" href="\/">/);
  });

  it('shows a client error without the server style, and no service line when none is given', () => {
    const page = renderErrorPage({ status: 404, title: 'Not found', message: 'No such page.' });
    assert.match(page, /<p class="error-page__status">Error 404<\/p>/);
    assert.doesNotMatch(page, /error-page__service/);
  });

  it('shows 500 for a status that is not an error status', () => {
    for (const status of [200, 302, 700, Number.NaN, 404.5]) {
      assert.match(renderErrorPage({ status, title: 't', message: 'm' }), />Error 500</);
    }
  });

  it('goes through composePage like any page', () => {
    const out = composePage(renderErrorPage({ status: 504, title: 'Timeout', message: 'Too slow.' }), makeContext());
    assert.equal(count(out, '<div class="hivematrix-layout">'), 1);
    assert.equal(count(out, 'hivematrix.css'), 1);
    assert.ok(out.indexOf('error-page__card') > out.indexOf('hivematrix-content'));
  });
});
