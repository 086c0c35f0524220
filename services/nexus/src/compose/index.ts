/**
 * The gateway's page composition and design-system glue: `composePage` turns a service's
 * unstyled document into the platform page (theme, stylesheet, scripts, side panel);
 * `renderErrorPage` makes the gateway's own error documents.
 *
 * What the gateway provides for the composed pages to work:
 * - `GET /static/*` from `services/nexus/static/` (css/hivematrix.css, js/*.js, icons.svg,
 *   favicon.svg); the URLs carry `?v=<assetVersion>`, so a long `Cache-Control` is safe.
 * - `PUT /api/preferences` with a JSON body holding any of `{theme: 'light'|'dark'}`,
 *   `{accent: <one of ACCENTS>}`, `{sidebarCollapsed: boolean}` (sent by the static scripts with
 *   `credentials: 'same-origin'` and `Content-Type: application/json`); 2xx when stored, 400/422
 *   for an invalid value. The next page is composed with the stored values.
 * - `POST /logout` reading the CSRF token from the form field `CSRF_FIELD`.
 * - A CSP with `script-src 'self'` and `style-src 'self'` suffices: nothing composed is inline.
 */
export { composePage } from './compose.js';
export { renderErrorPage, type ErrorPageOptions } from './error-page.js';
export { ACCENTS, DEFAULT_ACCENT, isAccent, normalizeAccent, normalizeTheme, type Accent } from './appearance.js';
export {
  ICONS,
  SCRIPT_FILES,
  STYLESHEET_PATH,
  ICON_SPRITE_PATH,
  FAVICON_PATH,
  iconOrFallback,
  type IconName,
} from './assets.js';
export { CSRF_FIELD, CONTENT_ID, initials } from './side-panel.js';
export type { ComposeContext, NavItem, NavUser, Theme } from './context.js';
