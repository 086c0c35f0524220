/** The archive of accepted bills: search by client, invoice number and period. */
import { Button, Card, DateTime, Page, PageHeader, Table, TextField } from '@hivematrix/sdk/html';
import { formatCount } from './format.js';
import type { Snapshot } from '../db/index.js';
import { formatMoney } from '../engine/index.js';

export interface ArchivePageProps {
  filters: { client?: string | undefined; invoice?: string | undefined; period?: string | undefined };
  rows: readonly Snapshot[];
  urlFor: (path: string) => string;
}

/** Renders the archive search and its results. */
export function ArchivePage({ filters, rows, urlFor }: ArchivePageProps) {
  return (
    <Page title="Archive" service="ledger">
      <PageHeader
        title="Archive"
        description="Accepted bills, frozen as they were sent: never changed, corrected only by a new version."
        actions={
          <Button href={urlFor('/')} variant="secondary" small>
            Dashboard
          </Button>
        }
      />
      <Card title="Search">
        <form method="get" action={urlFor('/archive')}>
          <TextField name="client" label="Client (name or account number)" value={filters.client} />
          <TextField name="invoice" label="Invoice number" value={filters.invoice} />
          <TextField name="period" type="month" label="Period" value={filters.period} />
          <Button type="submit">Search</Button>
        </form>
      </Card>
      <Card title={`${formatCount(rows.length)} invoice(s)`}>
        <Table
          label="Archive"
          columns={[
            { key: 'invoice', label: 'Invoice' },
            { key: 'client', label: 'Client' },
            { key: 'period', label: 'Period' },
            { key: 'total', label: 'Total', align: 'right' },
            { key: 'accepted', label: 'Accepted' },
            { key: 'files', label: 'Files' },
          ]}
          rows={rows.map((row) => ({
            invoice: <a href={urlFor(`/archive/${encodeURIComponent(row.invoiceNumber)}`)}>{row.invoiceNumber}</a>,
            client: `${row.companyName} (${row.accountNumber})`,
            period: row.period,
            total: `${formatMoney(row.totalCents)}`,
            accepted: (
              <>
                <DateTime value={row.acceptedAt} />
                {` by ${row.acceptedBy}`}
              </>
            ),
            files: (
              <>
                {row.pdf !== null && (
                  <>
                    <a href={urlFor(`/api/archive/${encodeURIComponent(row.invoiceNumber)}/pdf`)}>PDF</a>
                    {' · '}
                  </>
                )}
                <a href={urlFor(`/api/archive/${encodeURIComponent(row.invoiceNumber)}/csv`)}>CSV</a>
              </>
            ),
          }))}
          empty="No accepted bill matches. Bills are archived when accepted: from a client's bill page (Accept bill), or for every client by the month-end job."
        />
      </Card>
    </Page>
  );
}
