/**
 * The contract between the gateway and the page composer (`src/compose/`, the design system's
 * module): the gateway decides *whether* and *with what* a page is composed, the composer decides
 * *how* it looks. It is passed to `buildApp` so the gateway is tested with a stand-in.
 */

/** One side-panel entry. */
export interface NavItem {
  name: string;
  displayName: string;
  icon: string;
  href: string;
  active: boolean;
}

/** What a page is composed with. */
export interface ComposeContext {
  theme: 'light' | 'dark';
  accent: string;
  sidebarCollapsed: boolean;
  nav: NavItem[];
  user: { name: string; username: string; permissionLevel: string } | null;
  /** Version of the static assets, put in their URLs (`?v=`) so they can be cached forever. */
  assetVersion: string;
  csrfToken?: string;
}

/** What a styled error page says. Every field is text: the composer escapes it. */
export interface ErrorPageOptions {
  status: number;
  title: string;
  message: string;
  /** The service concerned, when there is one (named on the page). */
  service?: string;
}

/** The composer's two functions (implemented by `src/compose/index.ts`). */
export interface PageComposer {
  /** A full document gets the theme, stylesheet, side panel and scripts; a fragment comes back unchanged. */
  composePage(html: string, ctx: ComposeContext): string;
  /** A complete styled error page. */
  renderErrorPage(options: ErrorPageOptions): string;
}
