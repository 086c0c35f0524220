/**
 * The dashboard page: one row per client for the month, flags visible as badges, sortable by any
 * column through server-side links (`?sort=&dir=`, announced with `aria-sort`), a month picker, the
 * CSV export and the grand total. Text is escaped by JSX.
 */
import { Badge, Button, Card, EmptyState, Page, PageHeader, STICKY_ROWS } from '@hivematrix/sdk/html';
import { deviceCount } from '../billing/index.js';
import type { DashboardRow, SortDir, SortKey } from '../billing/index.js';
import { addMonths, formatMoney, parsePeriod, periodKey } from '../engine/index.js';
import { formatCount, formatDecimalText } from './format.js';

export interface DashboardPageProps {
  period: string;
  rows: DashboardRow[];
  sort: SortKey;
  dir: SortDir;
  urlFor: (path: string, query?: Record<string, string>) => string;
}

const COLUMNS: readonly { key: SortKey; label: string; numeric: boolean }[] = [
  { key: 'name', label: 'Client', numeric: false },
  { key: 'account', label: 'Account', numeric: false },
  { key: 'plan', label: 'Plan', numeric: false },
  { key: 'users', label: 'Users', numeric: true },
  { key: 'devices', label: 'Devices', numeric: true },
  { key: 'hours', label: 'Hours', numeric: true },
  { key: 'billable_hours', label: 'Billable hours', numeric: true },
  { key: 'total', label: 'Total', numeric: true },
  { key: 'flags', label: 'Flags', numeric: false },
];

/** Renders the month's dashboard. */
export function DashboardPage({ period, rows, sort, dir, urlFor }: DashboardPageProps) {
  const current = parsePeriod(period);
  const total = rows.reduce((sum, row) => sum + row.total_cents, 0);
  const flagged = rows.filter((row) => row.flags.length > 0).length;
  const month = (key: string) => urlFor('/', { month: key, sort, dir });
  const align = (numeric: boolean) => (numeric ? 'u-text-right' : undefined);
  return (
    <Page title={`Billing ${period}`} service="ledger">
      <PageHeader
        title={`Billing for ${period}`}
        description={`${formatCount(rows.length)} clients, total ${formatMoney(total)}${flagged > 0 ? `, ${formatCount(flagged)} flagged` : ''}`}
        actions={
          <>
            <Button href={urlFor('/review', { month: period })} variant="secondary" small>
              Review queue
            </Button>
            <Button href={urlFor('/archive', { period })} variant="secondary" small>
              Archive
            </Button>
            <Button href={urlFor('/api/billing/invoices.zip', { month: period })} variant="secondary" small>
              All invoices (ZIP)
            </Button>
            <Button href={urlFor('/api/billing/dashboard.csv', { month: period })} variant="secondary" small>
              Export CSV
            </Button>
          </>
        }
      />
      <form method="get" action={urlFor('/')} class="form-inline u-mb-2" aria-label="Month">
        <div class="form-inline__controls">
          <a class="btn btn--ghost btn--small" href={month(periodKey(addMonths(current, -1)))}>
            Previous month
          </a>
          <label class="form-group__label" for="month-picker">
            Month
          </label>
          <input
            id="month-picker"
            class="form-group__input form-inline__select"
            type="month"
            name="month"
            value={period}
            required
          />
          <input type="hidden" name="sort" value={sort} />
          <input type="hidden" name="dir" value={dir} />
          <Button type="submit" small>
            Show
          </Button>
          <a class="btn btn--ghost btn--small" href={month(periodKey(addMonths(current, 1)))}>
            Next month
          </a>
        </div>
      </form>
      <Card title="Clients">
        {rows.length === 0 && (
          <EmptyState
            title={`No clients to bill in ${period}`}
            message="Ledger bills the companies codex holds. Connect the PSA in codex's integrations page and run its first sync (or load the demo data with `npx hivematrix demo`); each company then appears here with its bill."
            compact
          />
        )}
        {/* A long month scrolls in its own box with the column headers kept in view (as the SDK's Table does). */}
        <div
          class={rows.length > STICKY_ROWS ? 'table-wrapper table-wrapper--sticky' : 'table-wrapper'}
          tabIndex={rows.length > STICKY_ROWS ? 0 : undefined}
          role={rows.length > STICKY_ROWS ? 'region' : undefined}
          aria-label={rows.length > STICKY_ROWS ? 'Clients' : undefined}
        >
          <table class="data-table" aria-label="Clients">
            <thead>
              <tr>
                {COLUMNS.map((column) => {
                  const active = column.key === sort;
                  const next: SortDir = active && dir === 'asc' ? 'desc' : 'asc';
                  return (
                    <th
                      scope="col"
                      class={align(column.numeric)}
                      aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
                    >
                      <a href={urlFor('/', { month: period, sort: column.key, dir: next })}>
                        {column.label}
                        {active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                      </a>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr>
                  <td>
                    <a href={urlFor(`/clients/${encodeURIComponent(row.account_number)}`, { month: period })}>
                      {row.name}
                    </a>
                  </td>
                  <td>{row.account_number}</td>
                  <td>{`${row.plan_name ?? '—'}${row.contract_term === null ? '' : ` (${row.contract_term})`}`}</td>
                  <td class="u-text-right">{formatCount(row.users)}</td>
                  <td class="u-text-right">{formatCount(deviceCount(row))}</td>
                  <td class="u-text-right">{formatDecimalText(row.hours)}</td>
                  <td class="u-text-right">{formatDecimalText(row.billable_hours)}</td>
                  <td class="u-text-right">{`${formatMoney(row.total_cents)}`}</td>
                  <td>
                    {row.flags.map((flag) => (
                      <Badge variant="danger">{flag}</Badge>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={7}>
                  Grand total
                </th>
                <td class="u-text-right" id="grand-total">{`${formatMoney(total)}`}</td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      </Card>
    </Page>
  );
}
