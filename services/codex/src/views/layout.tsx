/**
 * The frame of every Codex page: the SDK's `Page` (a complete, unstyled document the gateway
 * styles), Codex's own navigation and the flash messages of a redirect after a form. Links go
 * through `urlFor`, so they carry the gateway's prefix (`/codex/...`) when there is one.
 */
import type { ComponentChildren, JSX } from 'preact';
import { Alert, Page, classNames, formatDateTime, formatNumber } from '@hivematrix/sdk/html';
import type { PermissionLevel, Query } from '@hivematrix/sdk';
import { can } from '../domain/index.js';

/** What every page needs to know about the request. */
export interface ViewContext {
  urlFor: (path: string, query?: Query) => string;
  level: PermissionLevel;
  userName: string;
  /** The path of the page, to mark the current navigation entry. */
  path: string;
}

const NAV = [
  { path: '/', label: 'Dashboard', show: () => true },
  { path: '/companies', label: 'Companies', show: () => true },
  { path: '/contacts', label: 'Contacts', show: () => true },
  { path: '/assets', label: 'Assets', show: () => true },
  { path: '/tickets', label: 'Tickets', show: () => true },
  { path: '/billing-plans', label: 'Billing plans', show: (level: PermissionLevel) => can(level, 'plan:read') },
  { path: '/admin', label: 'Sync and integrations', show: (level: PermissionLevel) => can(level, 'sync:read') },
  { path: '/settings', label: 'My settings', show: () => true },
] as const;

function isCurrent(entry: string, path: string): boolean {
  return entry === '/' ? path === '/' : path === entry || path.startsWith(`${entry}/`);
}

/** Codex's section navigation. */
export function CodexNav({ ctx }: { ctx: ViewContext }): JSX.Element {
  return (
    <nav aria-label="Codex" class="btn-group u-mb-3 u-flex-wrap">
      {NAV.filter((entry) => entry.show(ctx.level)).map((entry) =>
        isCurrent(entry.path, ctx.path) ? (
          <a class="btn btn--primary btn--small" href={ctx.urlFor(entry.path)} aria-current="page">
            {entry.label}
          </a>
        ) : (
          <a class="btn btn--ghost btn--small" href={ctx.urlFor(entry.path)}>
            {entry.label}
          </a>
        ),
      )}
    </nav>
  );
}

/** A confirmation or error shown at the top of a page. */
export interface Flash {
  variant: 'success' | 'error' | 'warning' | 'info';
  message: string;
}

export interface CodexPageProps {
  title: string;
  ctx: ViewContext;
  flash?: Flash | undefined;
  /** Extra `<head>` content, e.g. a refresh while a sync runs. */
  head?: ComponentChildren;
  children?: ComponentChildren;
}

/** A Codex page: navigation, an optional flash message, then the content. */
export function CodexPage({ title, ctx, flash, head, children }: CodexPageProps): JSX.Element {
  return (
    <Page title={`${title} · Codex`} service="codex" head={head}>
      <CodexNav ctx={ctx} />
      {flash !== undefined && (
        <Alert variant={flash.variant} class="u-mb-3">
          {flash.message}
        </Alert>
      )}
      {children}
    </Page>
  );
}

/** A labelled value of an `info-grid`. */
export function Info({ label, children }: { label: string; children?: ComponentChildren }): JSX.Element {
  return (
    <div class="info-item">
      <span class="info-item__label">{label}</span>
      <span class="info-item__value">{children ?? '—'}</span>
    </div>
  );
}

/** A counter card of the dashboard. */
export function StatCard({
  title,
  count,
  meta,
  href,
}: {
  title: string;
  count: string | number;
  meta?: string;
  href: string;
}): JSX.Element {
  return (
    <a class="dashboard-card" href={href}>
      <span class="dashboard-card__content">
        <span class="dashboard-card__title">{title}</span>
        <span class="dashboard-card__count">{typeof count === 'number' ? formatNumber(count) : count}</span>
        {meta !== undefined && <span class="dashboard-card__meta">{meta}</span>}
      </span>
    </a>
  );
}

/** A status badge (`status-badge--x`). */
export function StatusBadge({ status, children }: { status: string; children?: ComponentChildren }): JSX.Element {
  return (
    <span class={classNames('status-badge', `status-badge--${status.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}`)}>
      {children ?? status}
    </span>
  );
}

/**
 * An instant as text: `2026-11-25 12:00 UTC`, or a dash. For titles and hints; in page content use
 * the SDK's `DateTime`, which the browser shows in the reader's locale.
 */
export function when(value: Date | null | undefined): string {
  return formatDateTime(value);
}

/**
 * A sortable column header link: the current sort shows its direction, clicking it again reverses it.
 */
export function SortLink(props: {
  label: string;
  column: string;
  sort: string;
  dir: 'asc' | 'desc';
  href: (sort: string, dir: 'asc' | 'desc') => string;
}): JSX.Element {
  const active = props.sort === props.column;
  const next = active && props.dir === 'asc' ? 'desc' : 'asc';
  return (
    <a
      href={props.href(props.column, next)}
      class={classNames('sortable-header', active && `sort-${props.dir}`)}
      title={`Sort by ${props.label.toLowerCase()}`}
    >
      {props.label}
      {active && (
        <span aria-label={props.dir === 'asc' ? ' (ascending)' : ' (descending)'}>
          {props.dir === 'asc' ? ' ↑' : ' ↓'}
        </span>
      )}
    </a>
  );
}
