/**
 * The appearance values the gateway accepts. They end up in attribute values and CSS selectors,
 * so anything unknown is replaced by a default rather than passed through.
 */
import type { Theme } from './context.js';

/**
 * Accent palettes the stylesheet defines (`html[data-color-theme=…]`). The first is the default.
 * `gold`, `yellow`, `bee` and `matrix` keep the original platform's saved choices valid.
 */
export const ACCENTS = [
  'purple',
  'blue',
  'green',
  'teal',
  'orange',
  'red',
  'pink',
  'gold',
  'yellow',
  'bee',
  'matrix',
] as const;

export type Accent = (typeof ACCENTS)[number];

/** The accent used when the user has none or an unknown one (indigo). */
export const DEFAULT_ACCENT: Accent = 'purple';

const ACCENT_SET: ReadonlySet<string> = new Set(ACCENTS);

/** True when `value` is one of `ACCENTS`. */
export function isAccent(value: unknown): value is Accent {
  return typeof value === 'string' && ACCENT_SET.has(value);
}

/** `value` when it is a known accent, else `DEFAULT_ACCENT`. */
export function normalizeAccent(value: unknown): Accent {
  return isAccent(value) ? value : DEFAULT_ACCENT;
}

/** `dark` only when asked for exactly; everything else is `light`. */
export function normalizeTheme(value: unknown): Theme {
  return value === 'dark' ? 'dark' : 'light';
}
