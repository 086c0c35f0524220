/** The month's review queue: bills whose counts differ from the PSA or whose total moved a lot. */
import { Badge, Button, Card, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import type { ReviewEntry } from '../archive/index.js';
import { formatMoney } from '../engine/index.js';
import { formatCount } from './format.js';

export interface ReviewPageProps {
  period: string;
  thresholdPercent: number;
  entries: readonly ReviewEntry[];
  urlFor: (path: string) => string;
}

/** Renders the review queue of a month (flagged clients only). */
export function ReviewPage({ period, thresholdPercent, entries, urlFor }: ReviewPageProps) {
  const flagged = entries.filter((entry) => entry.flags.length > 0);
  return (
    <Page title={`Review ${period}`} service="ledger">
      <PageHeader
        title={`Review queue — ${period}`}
        description={`Bills whose user or device counts differ from the PSA's managed counts, or whose total moved more than ${thresholdPercent}% from last month's accepted bill. The month-end job does not accept them unless forced.`}
        actions={
          <Button href={urlFor(`/?month=${period}`)} variant="secondary" small>
            Dashboard
          </Button>
        }
      />
      <Card>
        <form method="get" action={urlFor('/review')}>
          <label for="review-month">Month </label>
          <input id="review-month" class="form-group__input" type="month" name="month" value={period} />{' '}
          <Button type="submit" small>
            Show
          </Button>
        </form>
      </Card>
      <Card title={`${formatCount(flagged.length)} bill(s) to review`}>
        <Table
          label="Review queue"
          columns={[
            { key: 'client', label: 'Client' },
            { key: 'total', label: 'Total', align: 'right' },
            { key: 'previous', label: 'Last month', align: 'right' },
            { key: 'flags', label: 'Why' },
            { key: 'status', label: 'Status' },
          ]}
          rows={flagged.map((entry) => ({
            client: (
              <a
                href={urlFor(`/clients/${encodeURIComponent(entry.account_number)}?month=${period}`)}
              >{`${entry.name} (${entry.account_number})`}</a>
            ),
            total: `${formatMoney(entry.total_cents)}`,
            previous: entry.previous_total_cents === null ? '—' : `${formatMoney(entry.previous_total_cents)}`,
            flags: (
              <ul>
                {entry.flags.map((flag) => (
                  <li>{flag.message}</li>
                ))}
              </ul>
            ),
            status:
              entry.accepted_invoice === null ? (
                <Badge variant="warning">pending</Badge>
              ) : (
                <Badge variant="success">{`accepted ${entry.accepted_invoice}`}</Badge>
              ),
          }))}
          empty="No bill needs review this month. A bill comes here when its user or device count differs from the PSA's managed counts, or its total moved more than the threshold from last month's accepted bill."
        />
      </Card>
    </Page>
  );
}
