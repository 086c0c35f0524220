/** Shared inputs for the compose tests. */
import type { ComposeContext } from '../../src/compose/index.js';

/** A context with a signed-in admin, two services (codex active) and a CSRF token. */
export function makeContext(overrides: Partial<ComposeContext> = {}): ComposeContext {
  return {
    theme: 'light',
    accent: 'blue',
    sidebarCollapsed: false,
    nav: [
      { name: 'codex', displayName: 'Codex', icon: 'building', href: '/codex/', active: true },
      { name: 'ledger', displayName: 'Ledger', icon: 'receipt', href: '/ledger/', active: false },
    ],
    user: { name: 'Jordan Reyes', username: 'jreyes', permissionLevel: 'admin' },
    assetVersion: '1.2.3',
    csrfToken: 'csrf-123',
    ...overrides,
  };
}

/** A small complete document as a service sends it. */
export const SIMPLE_PAGE =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Home - HiveMatrix</title></head>' +
  '<body><main role="main"><h1 class="page-header__title">Hello</h1></main></body></html>';

/** Counts the occurrences of `needle` in `haystack`. */
export function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The `<html …>` start tag of a composed page. */
export function htmlTagOf(page: string): string {
  return /<html\b[^>]*>/i.exec(page)?.[0] ?? '';
}
