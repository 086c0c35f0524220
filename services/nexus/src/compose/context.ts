/**
 * What the gateway knows about a request when it composes a page: the user's appearance
 * preferences, the navigation they may see, who they are, and the asset version for cache busting.
 */

/** Light or dark, set on `<html data-theme>`. */
export type Theme = 'light' | 'dark';

/** One entry of the side panel, already filtered by the user's permission. */
export interface NavItem {
  /** The service name, e.g. `codex` (also the first path segment). */
  name: string;
  /** The label shown, e.g. `Codex`. */
  displayName: string;
  /** A symbol of `/static/icons.svg` (see `ICONS`); anything else falls back to `box`. */
  icon: string;
  /** Where the entry links to, e.g. `/codex/`; unsafe URLs (`javascript:`) drop the entry. */
  href: string;
  /** The service of the current page; marked `side-panel__item--active` and `aria-current`. */
  active: boolean;
}

/** The signed-in user, or `null` on public pages (e.g. a ticket TV display). */
export interface NavUser {
  name: string;
  username: string;
  permissionLevel: string;
}

export interface ComposeContext {
  theme: Theme;
  /** One of `ACCENTS`; anything else becomes `DEFAULT_ACCENT`. */
  accent: string;
  sidebarCollapsed: boolean;
  nav: readonly NavItem[];
  user: NavUser | null;
  /** Appended as `?v=` to the stylesheet, scripts and icon sprite, so they can be cached for long. */
  assetVersion: string;
  /** Put in the logout form (field `CSRF_FIELD`) when given. */
  csrfToken?: string;
}
