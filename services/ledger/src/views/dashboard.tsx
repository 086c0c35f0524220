/** The dashboard page: one row per client for the month, flags visible. Text is escaped by JSX. */
import { Badge, Card, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import type { dashboardRow } from '../billing/present.js';
import { addMonths, formatCents, parsePeriod, periodKey } from '../engine/index.js';

export interface DashboardPageProps {
  period: string;
  rows: ReturnType<typeof dashboardRow>[];
  urlFor: (path: string) => string;
}

/** Renders the month's dashboard. */
export function DashboardPage({ period, rows, urlFor }: DashboardPageProps) {
  const current = parsePeriod(period);
  const total = rows.reduce((sum, row) => sum + row.total_cents, 0);
  const link = (key: string) => urlFor(`/?month=${key}`);
  return (
    <Page title={`Billing ${period}`} service="ledger">
      <PageHeader title={`Billing for ${period}`} description={`${rows.length} clients, total $${formatCents(total)}`} />
      <nav class="pagination" aria-label="Month">
        <a href={link(periodKey(addMonths(current, -1)))}>Previous month</a> <a href={link(periodKey(addMonths(current, 1)))}>Next month</a>
      </nav>
      <Card title="Clients">
        <Table
          label="Clients"
          columns={[
            { key: 'name', label: 'Client' }, { key: 'account', label: 'Account' }, { key: 'plan', label: 'Plan' },
            { key: 'users', label: 'Users', align: 'right' }, { key: 'devices', label: 'Devices', align: 'right' },
            { key: 'hours', label: 'Hours', align: 'right' }, { key: 'total', label: 'Total', align: 'right' }, { key: 'flags', label: 'Flags' },
          ]}
          rows={rows.map((row) => ({
            name: <a href={urlFor(`/clients/${encodeURIComponent(row.account_number)}?month=${period}`)}>{row.name}</a>,
            account: row.account_number,
            plan: `${row.plan_name ?? '—'} ${row.contract_term ?? ''}`,
            users: String(row.users),
            devices: String(Object.values(row.devices).reduce((a, b) => a + b, 0)),
            hours: row.hours,
            total: `$${formatCents(row.total_cents)}`,
            flags: row.flags.map((flag) => <Badge variant="warning">{flag}</Badge>),
          }))}
        />
      </Card>
    </Page>
  );
}
