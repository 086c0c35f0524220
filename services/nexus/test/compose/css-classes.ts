/** Test helpers: the class names a stylesheet's selectors use, and those a piece of HTML uses. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const STYLESHEET_FILE = path.resolve(import.meta.dirname, '../../static/css/hivematrix.css');

/**
 * Every class named in a selector of `css` (not in declarations): comments are dropped, and for
 * each `{` the text since the previous `{`, `}` or `;` is a selector list or an at-rule prelude.
 */
export function selectorClasses(css: string): Set<string> {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const classes = new Set<string>();
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '{') {
      for (const match of text.slice(start, i).matchAll(/\.(-?[_a-zA-Z][\w-]*)/g))
        if (match[1] !== undefined) classes.add(match[1]);
      start = i + 1;
    } else if (char === '}' || char === ';') {
      start = i + 1;
    }
  }
  return classes;
}

/** The stylesheet's selector classes. */
export async function stylesheetClasses(): Promise<Set<string>> {
  return selectorClasses(await readFile(STYLESHEET_FILE, 'utf8'));
}

/** Every class in the `class="…"` attributes of `html`. */
export function htmlClasses(html: string): Set<string> {
  const classes = new Set<string>();
  for (const match of html.matchAll(/\sclass="([^"]*)"/g)) {
    for (const name of (match[1] ?? '').split(/\s+/)) if (name !== '') classes.add(name);
  }
  return classes;
}
