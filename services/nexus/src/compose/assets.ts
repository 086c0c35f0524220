/**
 * URLs of the design system's static files, served by the gateway under `/static/` from
 * `services/nexus/static/`. Each carries `?v=<assetVersion>` so browsers may cache it for long.
 */

/** Scripts added at the end of `<head>` with `defer` (run in this order after parsing). */
export const SCRIPT_FILES = ['theme.js', 'side-panel.js', 'components.js'] as const;

export const STYLESHEET_PATH = '/static/css/hivematrix.css';
export const ICON_SPRITE_PATH = '/static/icons.svg';
export const FAVICON_PATH = '/static/favicon.svg';

/** Symbols in `static/icons.svg`. */
export const ICONS = [
  'logo',
  'home',
  'box',
  'users',
  'building',
  'server',
  'receipt',
  'book',
  'ticket',
  'bot',
  'settings',
  'shield',
  'activity',
  'log-out',
  'sun',
  'moon',
  'chevron-left',
  'chevron-right',
  'chevron-down',
  'menu',
  'x',
  'search',
  'plus',
  'check',
  'info',
  'alert-triangle',
  'inbox',
  'folder',
  'file-text',
  'send',
  'trash',
  'pencil',
] as const;

export type IconName = (typeof ICONS)[number];

const ICON_SET: ReadonlySet<string> = new Set(ICONS);

/** `name` when the sprite has it, else the generic `box`. */
export function iconOrFallback(name: string): IconName {
  return ICON_SET.has(name) ? (name as IconName) : 'box';
}

/** `path?v=<version>`, the version URL-encoded so it is inert in any attribute. */
export function versioned(path: string, version: string): string {
  return `${path}?v=${encodeURIComponent(version)}`;
}

/** `/static/icons.svg?v=…#name`, for `<use href>`. */
export function iconHref(name: IconName, version: string): string {
  return `${versioned(ICON_SPRITE_PATH, version)}#${name}`;
}

/** The `<link>` and `<script>` tags appended at the end of `<head>`. */
export function headAssets(version: string): string {
  let tags = `<link rel="stylesheet" href="${versioned(STYLESHEET_PATH, version)}">`;
  tags += `<link rel="icon" type="image/svg+xml" href="${versioned(FAVICON_PATH, version)}">`;
  for (const file of SCRIPT_FILES) tags += `<script src="${versioned(`/static/js/${file}`, version)}" defer></script>`;
  return tags;
}
