/**
 * Tabular data of the design system: `Table` (`.table-wrapper` > `table.data-table`) and
 * `Pagination` (`.pagination`), whose links go through `safeHref`.
 */
import type { ComponentChildren, JSX } from 'preact';
import { classNames, safeHref } from './components.js';
import { formatNumber } from './format.js';

export interface TableColumn<K extends string> {
  /** The row property shown in this column. */
  key: K;
  label: ComponentChildren;
  align?: 'left' | 'center' | 'right';
  /** Cuts long text with an ellipsis (`text-truncate`). */
  truncate?: boolean;
}

export interface TableProps<K extends string> {
  columns: readonly TableColumn<K>[];
  rows: readonly Readonly<Record<K, ComponentChildren>>[];
  /** Shown in a full-width row when there are no rows. */
  empty?: ComponentChildren;
  /** The table's accessible name (`aria-label`). */
  label?: string;
  /**
   * Keeps the column headers in view while scrolling: the table scrolls inside a box at most
   * about a screen tall. Default: on when there are more than `STICKY_ROWS` rows.
   */
  sticky?: boolean;
}

/** Above this many rows a table is long enough to lose its headers when scrolled. */
export const STICKY_ROWS = 15;

const ALIGN_CLASS = { left: 'u-text-left', center: 'text-center', right: 'u-text-right' } as const;

function cellClass(align: 'left' | 'center' | 'right' | undefined, truncate = false): string | undefined {
  const name = classNames(align !== undefined && ALIGN_CLASS[align], truncate && 'text-truncate');
  return name === '' ? undefined : name;
}

/**
 * A `data-table` with column headers (`scope="col"`) and one row per item. A long table scrolls in
 * its own box with sticky headers; the box is focusable so keyboard users can scroll it too (it
 * gets no name of its own: the table inside has it, and tests find tables by that name).
 */
export function Table<K extends string>({ columns, rows, empty, label, sticky }: TableProps<K>): JSX.Element {
  const scroll = sticky ?? rows.length > STICKY_ROWS;
  return (
    <div class={classNames('table-wrapper', scroll && 'table-wrapper--sticky')} tabIndex={scroll ? 0 : undefined}>
      <table class="data-table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" class={cellClass(column.align)}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={Math.max(1, columns.length)} class="text-center">
                {empty ?? 'Nothing to show.'}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr>
                {columns.map((column) => (
                  <td class={cellClass(column.align, column.truncate)}>{row[column.key]}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export interface PaginationProps {
  /** The current page, from 1. */
  page: number;
  perPage: number;
  /** The number of items over all pages. */
  total: number;
  /** The link to a page, usually `(p) => request.urlFor('/companies', { page: p })`. */
  hrefFor: (page: number) => string;
  /** The navigation's accessible name; default "Pagination". */
  label?: string;
}

/** Pages shown as numbers: the first, the last, and the current one with its neighbours. */
function visiblePages(current: number, last: number): (number | 'gap')[] {
  const wanted = new Set([1, last, current - 1, current, current + 1].filter((p) => p >= 1 && p <= last));
  const sorted = [...wanted].sort((a, b) => a - b);
  const out: (number | 'gap')[] = [];
  for (const page of sorted) {
    const previous = out.at(-1);
    if (typeof previous === 'number' && page - previous > 1) out.push('gap');
    out.push(page);
  }
  return out;
}

const STEP_CLASS = 'btn btn--secondary btn--small';

/** A link to another page, or an inert `aria-disabled` span at the ends (or for a refused URL). */
function PageLink({
  href,
  rel,
  label,
  children,
}: {
  href: string | undefined;
  rel?: 'prev' | 'next';
  label: string;
  children: ComponentChildren;
}): JSX.Element {
  if (href === undefined) {
    return (
      <span class={STEP_CLASS} aria-disabled="true" aria-label={label}>
        {children}
      </span>
    );
  }
  return (
    <a class={STEP_CLASS} href={href} rel={rel} aria-label={label}>
      {children}
    </a>
  );
}

/**
 * `nav.pagination` with `.pagination__info` ("Showing 21–40 of 93"), previous/next links that are
 * disabled at the ends, and numbered links with `aria-current="page"` on the current one.
 */
export function Pagination({ page, perPage, total, hrefFor, label = 'Pagination' }: PaginationProps): JSX.Element {
  const size = Math.max(1, Math.floor(perPage));
  const count = Math.max(0, Math.floor(total));
  const last = Math.max(1, Math.ceil(count / size));
  const current = Math.min(last, Math.max(1, Math.floor(Number.isFinite(page) ? page : 1)));
  const from = count === 0 ? 0 : (current - 1) * size + 1;
  const to = Math.min(count, current * size);
  const link = (target: number): string | undefined => safeHref(hrefFor(target));
  return (
    <nav class="pagination" aria-label={label}>
      <p class="pagination__info">
        {count === 0 ? 'No results' : `Showing ${formatNumber(from)}–${formatNumber(to)} of ${formatNumber(count)}`}
      </p>
      <div class="btn-group">
        <PageLink href={current > 1 ? link(current - 1) : undefined} rel="prev" label="Previous page">
          Previous
        </PageLink>
        {visiblePages(current, last).map((entry) => {
          if (entry === 'gap') return <span aria-hidden="true">…</span>;
          const href = link(entry);
          const className = classNames('btn', entry === current ? 'btn--primary' : 'btn--ghost', 'btn--small');
          if (href === undefined)
            return (
              <span class={className} aria-disabled="true">
                {entry}
              </span>
            );
          return entry === current ? (
            <a class={className} href={href} aria-current="page" aria-label={`Page ${entry}, current page`}>
              {entry}
            </a>
          ) : (
            <a class={className} href={href} aria-label={`Page ${entry}`}>
              {entry}
            </a>
          );
        })}
        <PageLink href={current < last ? link(current + 1) : undefined} rel="next" label="Next page">
          Next
        </PageLink>
      </div>
    </nav>
  );
}
