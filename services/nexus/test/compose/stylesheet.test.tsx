/**
 * The stylesheet covers what services emit: every class the SDK's HTML components render, every
 * class of the side panel and the error page, and the whole BEM vocabulary of reference §4.2.
 * Also checks the quirks of §4.3 stay fixed and nothing is loaded from elsewhere.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  EmptyState,
  Page,
  PageHeader,
  Pagination,
  SelectField,
  Table,
  TextArea,
  TextField,
  renderDocument,
  renderFragment,
  type ButtonVariant,
} from '@hivematrix/sdk/html';
import { ACCENTS, ICONS, composePage, renderErrorPage } from '../../src/compose/index.js';
import { STYLESHEET_FILE, htmlClasses, selectorClasses, stylesheetClasses } from './css-classes.js';
import { VOCABULARY } from './vocabulary.js';

const VARIANTS: ButtonVariant[] = ['primary', 'secondary', 'success', 'danger', 'warning', 'ghost'];

/** The SDK's components in every variant they have, rendered to HTML. */
function renderEverySdkComponent(): string {
  const parts = [
    ...(['success', 'danger', 'warning', undefined] as const).map((variant) =>
      renderFragment(
        <Card title="T" actions={<span />} {...(variant ? { variant } : {})}>
          x
        </Card>,
      ),
    ),
    ...VARIANTS.flatMap((variant) => [
      renderFragment(<Button variant={variant}>b</Button>),
      renderFragment(
        <Button variant={variant} small href="/x">
          b
        </Button>,
      ),
      renderFragment(
        <Button variant={variant} href="javascript:alert(1)">
          b
        </Button>,
      ),
    ]),
    ...(['success', 'error', 'warning', 'info'] as const).map((variant) =>
      renderFragment(
        <Alert variant={variant} title="t">
          m
        </Alert>,
      ),
    ),
    ...(['success', 'danger', 'warning', 'info', 'gold', 'platinum', undefined] as const).map((variant) =>
      renderFragment(<Badge {...(variant ? { variant } : {})}>b</Badge>),
    ),
    renderFragment(<PageHeader title="t" description="d" actions={<span />} />),
    renderFragment(<EmptyState title="t" message="m" action={<span />} />),
    renderFragment(<TextField name="a" label="A" hint="h" error="e" required />),
    renderFragment(<TextArea name="b" label="B" hint="h" error="e" />),
    renderFragment(
      <SelectField name="c" label="C" placeholder="p" options={[{ value: '1', label: 'one' }]} error="e" />,
    ),
    renderFragment(<Checkbox name="d" label="D" hint="h" error="e" required />),
    renderFragment(
      <Table
        columns={[
          { key: 'a', label: 'A', align: 'left' },
          { key: 'b', label: 'B', align: 'center', truncate: true },
          { key: 'c', label: 'C', align: 'right' },
        ]}
        rows={[{ a: '1', b: '2', c: '3' }]}
      />,
    ),
    renderFragment(<Table columns={[{ key: 'a', label: 'A' }]} rows={[]} />),
    renderFragment(<Pagination page={5} perPage={10} total={200} hrefFor={(p) => `/x?page=${p}`} />),
    renderFragment(<Pagination page={1} perPage={10} total={0} hrefFor={() => 'javascript:x'} />),
    renderDocument(<Page title="t" service="s" version="1" />),
  ];
  return parts.join('\n');
}

describe('stylesheet coverage', () => {
  it('styles every class the SDK components emit', async () => {
    const css = await stylesheetClasses();
    const emitted = htmlClasses(renderEverySdkComponent());
    assert.ok(emitted.size > 40, `expected many classes, got ${emitted.size}`);
    const missing = [...emitted].filter((name) => !css.has(name));
    assert.deepEqual(missing, [], `classes without a rule: ${missing.join(', ')}`);
  });

  it('styles every class of the side panel and the error page', async () => {
    const css = await stylesheetClasses();
    const composed = composePage(renderErrorPage({ status: 502, title: 't', message: 'm', service: 's' }), {
      theme: 'light',
      accent: 'blue',
      sidebarCollapsed: true,
      assetVersion: '1',
      csrfToken: 'c',
      nav: [
        { name: 'a', displayName: 'A', icon: 'home', href: '/a/', active: true },
        { name: 'b', displayName: 'B', icon: 'box', href: '/b/', active: false },
      ],
      user: { name: 'N', username: 'n', permissionLevel: 'admin' },
    });
    const anonymous = composePage(renderErrorPage({ status: 404, title: 't', message: 'm' }), {
      theme: 'dark',
      accent: 'x',
      sidebarCollapsed: false,
      assetVersion: '1',
      nav: [],
      user: null,
    });
    const missing = [...htmlClasses(composed + anonymous)].filter((name) => !css.has(name));
    assert.deepEqual(missing, [], `classes without a rule: ${missing.join(', ')}`);
  });

  for (const [group, names] of Object.entries(VOCABULARY)) {
    it(`implements the ${group} vocabulary of reference §4.2`, async () => {
      const css = await stylesheetClasses();
      const missing = names.filter((name) => !css.has(name));
      assert.deepEqual(missing, [], `missing: ${missing.join(', ')}`);
    });
  }

  it('has light and dark tokens and a rule for every accent in both themes', async () => {
    const css = await readFile(STYLESHEET_FILE, 'utf8');
    assert.match(css, /:root\s*\{[^}]*--color-primary:/);
    assert.match(css, /html\[data-theme="dark"\]\s*\{[^}]*--color-bg:/);
    for (const accent of ACCENTS.filter((name) => name !== 'purple')) {
      assert.ok(css.includes(`html[data-color-theme="${accent}"]`), `light ${accent}`);
      assert.ok(css.includes(`html[data-theme="dark"][data-color-theme="${accent}"]`), `dark ${accent}`);
    }
    assert.match(css, /@media \(prefers-reduced-motion: reduce\)/);
    assert.match(css, /@media \(max-width: 767\.98px\)/);
  });

  it('keeps the quirks of reference §4.3 fixed and loads nothing from elsewhere', async () => {
    const css = await readFile(STYLESHEET_FILE, 'utf8');
    const code = css.replace(/\/\*[\s\S]*?\*\//g, '');
    const defined = new Set([...code.matchAll(/(--[\w-]+)\s*:/g)].map((match) => match[1]));
    const used = new Set([...code.matchAll(/var\((--[\w-]+)/g)].map((match) => match[1]));
    const undefinedVars = [...used].filter((name) => !defined.has(name) && !name?.startsWith('--ck-'));
    assert.deepEqual(undefinedVars, [], 'every variable used is defined');
    assert.equal(code.match(/\.data-table tbody tr:hover/g)?.length, 1, 'one table row hover rule');
    assert.doesNotMatch(code, /#e0e0e0|#3a3a3a/, 'no hard-coded hover greys');
    assert.doesNotMatch(code, /\[data-color-theme[^\]]*\]\s+html/, 'accent selectors are on <html> itself');
    assert.doesNotMatch(code, /rgba\(\s*(99,\s*102,\s*241|139,\s*92,\s*246)/, 'focus glows follow the accent');
    assert.doesNotMatch(code, /@import|url\(\s*['"]?(https?:)?\/\//, 'no external resources');
  });

  it('ships every icon the composer may reference in the sprite', async () => {
    const sprite = await readFile(path.resolve(path.dirname(STYLESHEET_FILE), '../icons.svg'), 'utf8');
    const symbols = new Set([...sprite.matchAll(/<symbol id="([^"]+)"/g)].map((match) => match[1]));
    assert.deepEqual(
      ICONS.filter((name) => !symbols.has(name)),
      [],
    );
  });

  it('parses selector classes only, not declarations', () => {
    const classes = selectorClasses(
      '/* .nope */ .a, .b:hover > .c { width: 1.5rem; } @media (x) { .d { margin: .5rem } }',
    );
    assert.deepEqual([...classes].sort(), ['a', 'b', 'c', 'd']);
  });
});
