/**
 * The side panel the gateway wraps around every page: brand, the services the user may open,
 * who is signed in, the theme toggle and logout. Rendered with preact, so every name is escaped.
 * The ids `side-panel`, `sidebar-toggle` and `theme-toggle-btn` are what `static/js/*.js` and the
 * stylesheet rely on (reference §6 item 4).
 */
import type { JSX } from 'preact';
import { renderFragment, safeHref } from '@hivematrix/sdk/html';
import { iconHref, iconOrFallback, type IconName } from './assets.js';
import type { ComposeContext, NavItem, NavUser } from './context.js';

/** The form field the logout form carries the CSRF token in (`POST /logout`). */
export const CSRF_FIELD = 'csrf_token';

/** The id of the content column, the target of the "Skip to content" link. */
export const CONTENT_ID = 'hivematrix-main';

function Icon({ name, version, class: className }: { name: IconName; version: string; class?: string }): JSX.Element {
  return (
    <svg class={className} aria-hidden="true" focusable="false">
      <use href={iconHref(name, version)} />
    </svg>
  );
}

/** Up to two letters for the avatar: the first letter or digit of the first and last words. */
export function initials(name: string): string {
  const words = name
    .split(/\s+/)
    .map((word) => /[\p{L}\p{N}]/u.exec(word)?.[0])
    .filter((letter): letter is string => letter !== undefined);
  const first = words[0];
  if (first === undefined) return '?';
  const last = words.length > 1 ? (words[words.length - 1] ?? '') : '';
  return (first + last).toUpperCase();
}

function NavEntry({ item, version }: { item: NavItem; version: string }): JSX.Element | null {
  const href = safeHref(item.href);
  if (href === undefined) return null;
  return (
    <li class={item.active ? 'side-panel__item side-panel__item--active' : 'side-panel__item'}>
      <a class="side-panel__link" href={href} title={item.displayName} aria-current={item.active ? 'page' : undefined}>
        <span class="side-panel__icon">
          <Icon name={iconOrFallback(item.icon)} version={version} />
        </span>
        <span class="side-panel__label">{item.displayName}</span>
      </a>
    </li>
  );
}

function UserBlock({ user }: { user: NavUser }): JSX.Element {
  const shown = user.name.trim() === '' ? user.username : user.name;
  return (
    <div class="side-panel__user" title={shown}>
      <span class="side-panel__avatar" aria-hidden="true">
        {initials(shown)}
      </span>
      <span class="side-panel__user-info">
        <span class="side-panel__user-name">{shown}</span>
        <span class="side-panel__user-role">{user.permissionLevel}</span>
      </span>
    </div>
  );
}

function ThemeToggle({ dark, version }: { dark: boolean; version: string }): JSX.Element {
  return (
    <button
      type="button"
      class="theme-toggle"
      id="theme-toggle-btn"
      aria-pressed={dark ? 'true' : 'false'}
      title={dark ? 'Switch to the light theme' : 'Switch to the dark theme'}
    >
      <span class="theme-toggle__track" aria-hidden="true">
        <span class="theme-toggle__thumb">
          <Icon name="sun" version={version} class="theme-icon-sun" />
          <Icon name="moon" version={version} class="theme-icon-moon" />
        </span>
      </span>
      <span class="side-panel__label">Dark theme</span>
    </button>
  );
}

function Logout({ csrfToken, version }: { csrfToken: string | undefined; version: string }): JSX.Element {
  return (
    <form class="side-panel__logout" method="post" action="/logout">
      {csrfToken !== undefined && <input type="hidden" name={CSRF_FIELD} value={csrfToken} />}
      <button type="submit" class="side-panel__link" title="Log out">
        <span class="side-panel__icon">
          <Icon name="log-out" version={version} />
        </span>
        <span class="side-panel__label">Log out</span>
      </button>
    </form>
  );
}

/** The skip link and the `<aside id="side-panel">`. */
export function SidePanel({ ctx }: { ctx: ComposeContext }): JSX.Element {
  const version = ctx.assetVersion;
  const collapsed = ctx.sidebarCollapsed;
  return (
    <>
      <a class="skip-link" href={`#${CONTENT_ID}`}>
        Skip to content
      </a>
      <aside
        class={collapsed ? 'hivematrix-side-panel collapsed' : 'hivematrix-side-panel'}
        id="side-panel"
        aria-label="Side panel"
      >
        <div class="side-panel__header">
          <a class="side-panel__brand" href="/" title="HiveMatrix">
            <Icon name="logo" version={version} class="side-panel__logo" />
            <span class="side-panel__title">HiveMatrix</span>
          </a>
          <button
            type="button"
            class="side-panel__toggle"
            id="sidebar-toggle"
            aria-controls="side-panel"
            aria-expanded={collapsed ? 'false' : 'true'}
            aria-label={collapsed ? 'Expand the side panel' : 'Collapse the side panel'}
          >
            <Icon
              name="chevron-left"
              version={version}
              class="side-panel__toggle-icon side-panel__toggle-icon--collapse"
            />
            <Icon name="menu" version={version} class="side-panel__toggle-icon side-panel__toggle-icon--menu" />
          </button>
        </div>
        <nav class="side-panel__nav" aria-label="Services">
          <ul class="side-panel__list">
            {ctx.nav.map((item) => (
              <NavEntry item={item} version={version} />
            ))}
          </ul>
        </nav>
        <div class="side-panel__footer">
          {ctx.user !== null && <UserBlock user={ctx.user} />}
          <ThemeToggle dark={ctx.theme === 'dark'} version={version} />
          {ctx.user !== null ? (
            <Logout csrfToken={ctx.csrfToken} version={version} />
          ) : (
            <a class="side-panel__link" href="/login" title="Sign in">
              <span class="side-panel__icon">
                <Icon name="log-out" version={version} />
              </span>
              <span class="side-panel__label">Sign in</span>
            </a>
          )}
        </div>
      </aside>
    </>
  );
}

/** The markup opening the layout, up to where the page's own body content goes. */
export function renderLayoutOpening(ctx: ComposeContext): string {
  return `<div class="hivematrix-layout">${renderFragment(<SidePanel ctx={ctx} />)}<div class="hivematrix-content" id="${CONTENT_ID}" tabindex="-1">`;
}

/**
 * Closes what `renderLayoutOpening` opened, adding the backdrop the drawer uses on phones (after
 * the content, so the side panel and the content stay adjacent: `aside + .hivematrix-content`).
 */
export const LAYOUT_CLOSING =
  '</div><div class="side-panel__backdrop" data-sidebar-close="" aria-hidden="true"></div></div>';
