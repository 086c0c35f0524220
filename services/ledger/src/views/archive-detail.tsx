/** One archived invoice: its frozen lines, its documents, and the hash check. */
import { Alert, Button, Card, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import type { Snapshot } from '../db/schema.js';
import { formatCents, type InvoiceLine } from '../engine/index.js';

export interface ArchiveDetailProps {
  row: Snapshot;
  supersedes: string | null;
  /** Set after "Verify hash": whether the stored content still matches its hash. */
  verified: boolean | null;
  urlFor: (path: string) => string;
}

/** Renders an archived invoice. */
export function ArchiveDetailPage({ row, supersedes, verified, urlFor }: ArchiveDetailProps) {
  const lines = ((row.result as { lines?: InvoiceLine[] }).lines ?? []).filter((line) => line.amountCents !== 0);
  const invoice = encodeURIComponent(row.invoiceNumber);
  return (
    <Page title={`Invoice ${row.invoiceNumber}`} service="ledger">
      <PageHeader
        title={`Invoice ${row.invoiceNumber}`}
        description={`${row.companyName} (${row.accountNumber}) · ${row.period} · version ${row.version} · accepted ${row.acceptedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC by ${row.acceptedBy}`}
        actions={<Button href={urlFor('/archive')} variant="secondary" small>Archive</Button>}
      />
      {verified === true && <Alert variant="success" title="Hash verified">{`The stored content matches its sha256 ${row.sha256}.`}</Alert>}
      {verified === false && <Alert variant="error" title="Hash mismatch">The stored content does not match its hash: this snapshot was altered.</Alert>}
      {supersedes !== null && <Alert variant="info">{'This version corrects invoice '}<a href={urlFor(`/archive/${encodeURIComponent(supersedes)}`)}>{supersedes}</a>.</Alert>}
      <Card title={`Total $${formatCents(row.totalCents)}`} actions={
        <>
          {row.pdf !== null && <Button href={urlFor(`/api/archive/${invoice}/pdf`)} small>Download PDF</Button>}{' '}
          <Button href={urlFor(`/api/archive/${invoice}/csv`)} variant="secondary" small>Download CSV</Button>{' '}
          <Button href={urlFor(`/archive/${invoice}?verify=1`)} variant="secondary" small>Verify hash</Button>
        </>
      }>
        <Table
          label="Invoice lines"
          columns={[
            { key: 'item', label: 'Item' }, { key: 'description', label: 'Description' },
            { key: 'qty', label: 'Qty', align: 'right' }, { key: 'rate', label: 'Rate', align: 'right' }, { key: 'amount', label: 'Amount', align: 'right' },
          ]}
          rows={lines.map((line) => ({ item: line.item, description: line.description, qty: line.quantity, rate: `$${formatCents(line.rateCents)}`, amount: `$${formatCents(line.amountCents)}` }))}
          empty="Nothing was billed."
        />
        {row.notes !== null && row.notes !== '' && <p>{`Notes: ${row.notes}`}</p>}
        <p class="u-text-muted u-text-sm">{`sha256 ${row.sha256}`}</p>
      </Card>
    </Page>
  );
}
