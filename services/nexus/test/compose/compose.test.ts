/**
 * composePage on ordinary pages: the attributes it owns on <html>, the assets it adds once, the
 * side panel it wraps the body in, escaping of everything that comes from users or the registry,
 * fragments left alone, and how fast it is on a large page.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { ACCENTS, CSRF_FIELD, DEFAULT_ACCENT, composePage, initials } from '../../src/compose/index.js';
import { LAYOUT_CLOSING } from '../../src/compose/side-panel.js';
import { SIMPLE_PAGE, count, htmlTagOf, makeContext } from './fixtures.js';

describe('composePage: full documents', () => {
  it('sets theme, accent and side-panel state on <html>, replacing the page’s own values', () => {
    const page =
      '<!DOCTYPE html><html lang="fr" data-theme="dark" DATA-COLOR-THEME=\'red\' data-sidebar=collapsed class="x"><head></head><body>b</body></html>';
    const tag = htmlTagOf(composePage(page, makeContext({ theme: 'light', accent: 'green', sidebarCollapsed: false })));
    assert.equal(tag, '<html lang="fr" class="x" data-theme="light" data-color-theme="green" data-sidebar="expanded">');
    const dark = htmlTagOf(composePage(page, makeContext({ theme: 'dark', sidebarCollapsed: true })));
    assert.match(dark, /data-theme="dark" data-color-theme="blue" data-sidebar="collapsed">$/);
  });

  it('falls back to the default accent and the light theme for unknown values', () => {
    assert.equal(DEFAULT_ACCENT, 'purple');
    assert.ok(ACCENTS.includes('teal') && ACCENTS.includes('pink'));
    // The cast stands for a value read from storage that the type does not vouch for.
    const context = makeContext({ accent: '"><script>alert(1)</script>', theme: 'sepia' as 'light' });
    const tag = htmlTagOf(composePage(SIMPLE_PAGE, context));
    assert.match(tag, /data-theme="light" data-color-theme="purple"/);
  });

  it('adds the stylesheet and each script once, at the end of <head>, versioned', () => {
    const out = composePage(SIMPLE_PAGE, makeContext({ assetVersion: '2026.11 "x"' }));
    const version = encodeURIComponent('2026.11 "x"');
    const link = `<link rel="stylesheet" href="/static/css/hivematrix.css?v=${version}">`;
    assert.equal(count(out, link), 1);
    assert.equal(count(out, 'hivematrix.css'), 1);
    for (const file of ['theme.js', 'side-panel.js', 'components.js']) {
      assert.equal(count(out, `<script src="/static/js/${file}?v=${version}" defer></script>`), 1, file);
    }
    // After the service's own head content, before </head>: the design system wins ties.
    assert.ok(out.indexOf('</title>') < out.indexOf(link));
    assert.ok(out.indexOf('components.js') < out.indexOf('</head>'));
    assert.equal(count(out, '<script>'), 0, 'no inline script (CSP script-src self)');
    assert.doesNotMatch(out, /\son[a-z]+=/i, 'no inline event handler');
  });

  it('wraps the body content in the layout, keeping <body> and its attributes', () => {
    const out = composePage(SIMPLE_PAGE.replace('<body>', '<body class="app" data-x="1">'), makeContext());
    const bodyAt = out.indexOf('<body class="app" data-x="1">');
    const layoutAt = out.indexOf('<div class="hivematrix-layout">');
    const panelAt = out.indexOf('<aside class="hivematrix-side-panel" id="side-panel"');
    const contentAt = out.indexOf('<div class="hivematrix-content" id="hivematrix-main" tabindex="-1">');
    const mainAt = out.indexOf('<main role="main">');
    assert.ok(bodyAt > 0 && bodyAt < layoutAt && layoutAt < panelAt && panelAt < contentAt && contentAt < mainAt);
    assert.ok(out.endsWith(`</main>${LAYOUT_CLOSING}</body></html>`), out.slice(-80));
    assert.ok(out.includes('</aside><div class="hivematrix-content"'), 'the content column follows the side panel');
    for (const id of ['id="side-panel"', 'id="sidebar-toggle"', 'id="theme-toggle-btn"'])
      assert.equal(count(out, id), 1, id);
  });

  it('marks the current service active with aria-current, and only it', () => {
    const out = composePage(SIMPLE_PAGE, makeContext());
    assert.equal(count(out, 'side-panel__item--active'), 1);
    assert.equal(count(out, 'aria-current="page"'), 1);
    assert.match(
      out,
      /<li class="side-panel__item side-panel__item--active"><a class="side-panel__link" href="\/codex\/" title="Codex" aria-current="page">/,
    );
    assert.match(out, /<li class="side-panel__item"><a class="side-panel__link" href="\/ledger\/" title="Ledger">/);
    assert.match(out, /icons\.svg\?v=1\.2\.3#building/);
  });

  it('drops a nav entry with an unsafe URL and gives an unknown icon the fallback', () => {
    const out = composePage(
      SIMPLE_PAGE,
      makeContext({
        nav: [
          { name: 'evil', displayName: 'Evil', icon: 'box', href: 'javascript:alert(1)', active: false },
          { name: 'odd', displayName: 'Odd', icon: '"><x', href: '/odd/', active: false },
        ],
      }),
    );
    assert.doesNotMatch(out, /javascript:/);
    assert.doesNotMatch(out, /Evil/);
    assert.match(out, /href="\/odd\/"[^]*?icons\.svg\?v=1\.2\.3#box/);
  });

  it('escapes a hostile user name and nav label', () => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    const out = composePage(
      SIMPLE_PAGE,
      makeContext({
        user: { name: hostile, username: 'u', permissionLevel: '<b>admin</b>' },
        nav: [{ name: 'x', displayName: `</a>${hostile}`, icon: 'box', href: '/x/?a="b"', active: true }],
        csrfToken: '"><script>alert(3)</script>',
      }),
    );
    assert.doesNotMatch(out, /<img src=x/);
    assert.doesNotMatch(out, /<script>alert/);
    assert.doesNotMatch(out, /<b>admin/);
    assert.ok(out.includes('&lt;img src=x onerror=&quot;alert(1)&quot;>&lt;script>alert(2)&lt;/script>'));
    assert.ok(out.includes('href="/x/?a=&quot;b&quot;"'));
    assert.ok(out.includes(`name="${CSRF_FIELD}" value="&quot;>&lt;script>alert(3)&lt;/script>"`));
  });

  it('logs out with a POST form carrying the CSRF token, and offers sign-in to anonymous visitors', () => {
    const out = composePage(SIMPLE_PAGE, makeContext());
    assert.match(
      out,
      /<form class="side-panel__logout" method="post" action="\/logout"><input type="hidden" name="csrf_token" value="csrf-123"\/>/,
    );
    const { csrfToken: _omitted, ...withoutToken } = makeContext();
    const noToken = composePage(SIMPLE_PAGE, withoutToken);
    assert.match(noToken, /<form class="side-panel__logout" method="post" action="\/logout"><button type="submit"/);
    const anonymous = composePage(SIMPLE_PAGE, makeContext({ user: null }));
    assert.doesNotMatch(anonymous, /action="\/logout"/);
    assert.doesNotMatch(anonymous, /side-panel__user/);
    assert.match(anonymous, /href="\/login"/);
  });

  it('renders the toggles in the state the page starts in', () => {
    const dark = composePage(SIMPLE_PAGE, makeContext({ theme: 'dark', sidebarCollapsed: true }));
    assert.match(dark, /id="theme-toggle-btn" aria-pressed="true"/);
    assert.match(dark, /id="sidebar-toggle" aria-controls="side-panel" aria-expanded="false"/);
    assert.match(dark, /class="hivematrix-side-panel collapsed"/);
    const light = composePage(SIMPLE_PAGE, makeContext());
    assert.match(light, /id="theme-toggle-btn" aria-pressed="false"/);
    assert.match(light, /aria-expanded="true"/);
  });

  it('makes avatar initials from letters only', () => {
    assert.equal(initials('Jordan Reyes'), 'JR');
    assert.equal(initials('ada'), 'A');
    assert.equal(initials('Ada "<Lovelace>"'), 'AL');
    assert.equal(initials('  '), '?');
    assert.equal(initials('émile zola'), 'ÉZ');
  });
});

describe('composePage: fragments', () => {
  for (const fragment of [
    '',
    '<div class="card">partial</div>',
    '<tr><td>row</td></tr>',
    '<body><p>no html tag</p></body>',
    '<html><head></head></html>',
    '<!-- <html><body> --><p>only a comment mentions them</p>',
    '<script>document.write("<html><body>")</script>',
    'plain text with <html and <body words',
  ]) {
    it(`returns ${JSON.stringify(fragment.slice(0, 40))} unchanged`, () => {
      assert.equal(composePage(fragment, makeContext()), fragment);
    });
  }
});

describe('composePage: speed', () => {
  /** A 200 KB page shaped like a service's: a head, a long table, scripts, comments. */
  function largePage(): string {
    const row = (i: number): string =>
      `<tr><td class="text-truncate">Company ${i} &amp; Sons</td><td><span class="status-badge status-badge--healthy">healthy</span></td>` +
      `<td data-note="a > b">${'x'.repeat(40)}</td></tr>\n`;
    let rows = '';
    for (let i = 0; rows.length < 200 * 1024; i += 1) rows += row(i);
    return (
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Big</title><script type="application/json" id="d">{"a":"<body>"}</script></head>` +
      `<body><main><!-- list --><div class="table-wrapper"><table class="data-table"><tbody>${rows}</tbody></table></div></main></body></html>`
    );
  }

  it('composes a 200 KB page in well under 2 ms', (context) => {
    const page = largePage();
    assert.ok(page.length >= 200 * 1024);
    const ctx = makeContext();
    for (let i = 0; i < 50; i += 1) composePage(page, ctx);
    const runs = 300;
    const started = performance.now();
    let length = 0;
    for (let i = 0; i < runs; i += 1) length += composePage(page, ctx).length;
    const perPage = (performance.now() - started) / runs;
    assert.ok(length > page.length * runs);
    context.diagnostic(
      `composePage: ${(page.length / 1024).toFixed(0)} KB page in ${perPage.toFixed(3)} ms (mean of ${runs})`,
    );
    // The target is < 2 ms; the bound leaves room for a loaded CI machine.
    assert.ok(perPage < 10, `${perPage} ms per page`);
  });

  it('stays linear on hostile input (unclosed quotes, comments and tags)', (context) => {
    const inputs = [
      '<html><body>' + '<a x="'.repeat(100_000),
      '<html><body>' + '<!--'.repeat(100_000),
      '<html><body>' + '<script>'.repeat(50_000),
      '<html><body>' + '<template>'.repeat(50_000) + '</body>',
      '<html><body>' + '<'.repeat(200_000),
      '<html><body>' + '<!--' + '-'.repeat(200_000),
    ];
    for (const input of inputs) {
      const started = performance.now();
      composePage(input, makeContext());
      const elapsed = performance.now() - started;
      context.diagnostic(`${JSON.stringify(input.slice(12, 24))}… (${input.length} chars): ${elapsed.toFixed(1)} ms`);
      assert.ok(elapsed < 250, `${elapsed} ms`);
    }
  });
});
