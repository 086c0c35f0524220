/** One archived invoice: its frozen lines, its documents, and the hash check. */
import { Alert, Button, Card, Checkbox, DateTime, Page, PageHeader, Table, TextArea } from '@hivematrix/sdk/html';
import type { CreditNote, Snapshot } from '../db/index.js';
import { formatMoney, type InvoiceLine } from '../engine/index.js';

export interface ArchiveDetailProps {
  row: Snapshot;
  supersedes: string | null;
  /** The credit note issued with this version, cancelling the one it supersedes. */
  cancelledWith: string | null;
  /** The credit note that cancels this version, the version that replaces it, and (after "Verify hash") its hash check. */
  credited: { note: CreditNote; replacedBy: string; verified: boolean | null } | null;
  /** Set after "Verify hash": whether the stored content still matches its hash. */
  verified: boolean | null;
  /** The newest version of this client's month: only it can be corrected. */
  latest: string;
  /** Why the last correction was refused (a key from the redirect), if it was. */
  refused: 'review' | 'conflict' | 'cannot-bill' | null;
  urlFor: (path: string) => string;
}

const REFUSALS = {
  review: 'The corrected bill is flagged for review: tick the confirmation to issue it anyway.',
  conflict: 'A newer version was issued meanwhile: correct that one.',
  'cannot-bill': 'This client cannot be billed for this month any more, so there is nothing to re-issue.',
} as const;

/** Renders an archived invoice. */
export function ArchiveDetailPage({
  row,
  supersedes,
  cancelledWith,
  credited,
  verified,
  latest,
  refused,
  urlFor,
}: ArchiveDetailProps) {
  const lines = ((row.result as { lines?: InvoiceLine[] }).lines ?? []).filter((line) => line.amountCents !== 0);
  const invoice = encodeURIComponent(row.invoiceNumber);
  return (
    <Page title={`Invoice ${row.invoiceNumber}`} service="ledger">
      <PageHeader
        title={`Invoice ${row.invoiceNumber}`}
        description={
          <>
            {`${row.companyName} (${row.accountNumber}) · ${row.period} · version ${row.version} · accepted `}
            <DateTime value={row.acceptedAt} />
            {` by ${row.acceptedBy}`}
          </>
        }
        actions={
          <Button href={urlFor('/archive')} variant="secondary" small>
            Archive
          </Button>
        }
      />
      {verified === true && (
        <Alert variant="success" title="Hash verified">{`The stored content matches its sha256 ${row.sha256}.`}</Alert>
      )}
      {verified === false && (
        <Alert variant="error" title="Hash mismatch">
          The stored content does not match its hash: this snapshot was altered.
        </Alert>
      )}
      {supersedes !== null && (
        <Alert variant="info">
          {'This version corrects invoice '}
          <a href={urlFor(`/archive/${encodeURIComponent(supersedes)}`)}>{supersedes}</a>
          {cancelledWith === null ? '.' : `, which credit note ${cancelledWith} cancels.`}
        </Alert>
      )}
      {credited !== null && <CreditNoteCard {...credited} urlFor={urlFor} />}
      <Card
        title={`Total ${formatMoney(row.totalCents)}`}
        actions={
          <>
            {row.pdf !== null && (
              <Button href={urlFor(`/api/archive/${invoice}/pdf`)} small>
                Download PDF
              </Button>
            )}{' '}
            <Button href={urlFor(`/api/archive/${invoice}/csv`)} variant="secondary" small>
              Download CSV
            </Button>{' '}
            <Button href={urlFor(`/archive/${invoice}?verify=1`)} variant="secondary" small>
              Verify hash
            </Button>
          </>
        }
      >
        <Table
          label="Invoice lines"
          columns={[
            { key: 'item', label: 'Item' },
            { key: 'description', label: 'Description' },
            { key: 'qty', label: 'Qty', align: 'right' },
            { key: 'rate', label: 'Rate', align: 'right' },
            { key: 'amount', label: 'Amount', align: 'right' },
          ]}
          rows={lines.map((line) => ({
            item: line.item,
            description: line.description,
            qty: line.quantity,
            rate: `${formatMoney(line.rateCents)}`,
            amount: `${formatMoney(line.amountCents)}`,
          }))}
          empty="Nothing was billed."
        />
        {row.notes !== null && row.notes !== '' && <p>{`Notes: ${row.notes}`}</p>}
        <p class="u-text-muted u-text-sm">{`sha256 ${row.sha256}`}</p>
      </Card>
      {latest === row.invoiceNumber ? (
        <Card title="Issue a correction" id="correct-invoice">
          <p>
            A correction re-issues this month's bill as it is computed now (after any change of rates, users or devices)
            as a new version that references this one. This invoice stays in the archive unchanged.
          </p>
          {refused !== null && <Alert variant="error">{REFUSALS[refused]}</Alert>}
          <form method="post" action={urlFor(`/archive/${invoice}/correct`)}>
            <TextArea
              name="notes"
              label="Reason for the correction (printed on the invoice)"
              rows={2}
              maxLength={2000}
              required
            />
            <Checkbox name="confirm_review" value="yes" label="Issue it even if it is flagged for review" />
            <Button type="submit">Issue correction</Button>
          </form>
        </Card>
      ) : (
        <Alert variant="info">
          {'A newer version of this bill exists: '}
          <a href={urlFor(`/archive/${encodeURIComponent(latest)}`)}>{latest}</a>.
        </Alert>
      )}
    </Page>
  );
}

/** The credit note cancelling this version: its total, reason, downloads and hash check. */
function CreditNoteCard({
  note,
  replacedBy,
  verified,
  urlFor,
}: {
  note: CreditNote;
  replacedBy: string;
  verified: boolean | null;
  urlFor: (path: string) => string;
}) {
  const number = encodeURIComponent(note.number);
  return (
    <Card
      title={`Cancelled by credit note ${note.number}`}
      actions={
        <>
          <Button href={urlFor(`/api/credit-notes/${number}/pdf`)} small>
            Credit note PDF
          </Button>{' '}
          <Button href={urlFor(`/api/credit-notes/${number}/csv`)} variant="secondary" small>
            Credit note CSV
          </Button>
        </>
      }
    >
      <p>
        {`Credit note ${note.number} of ${note.issuedOn} credits ${formatMoney(note.totalCents)}, cancelling this invoice in full. The corrected bill is invoice `}
        <a href={urlFor(`/archive/${encodeURIComponent(replacedBy)}`)}>{replacedBy}</a>.
      </p>
      <p>{`Reason: ${note.reason}`}</p>
      <p class="u-text-muted u-text-sm">{`Issued by ${note.issuedBy} · sha256 ${note.sha256}`}</p>
      {verified === true && (
        <Alert
          variant="success"
          title="Credit note hash verified"
        >{`The credit note matches its sha256 ${note.sha256}.`}</Alert>
      )}
      {verified === false && (
        <Alert variant="error" title="Credit note hash mismatch">
          The stored credit note does not match its hash: it was altered.
        </Alert>
      )}
    </Card>
  );
}
