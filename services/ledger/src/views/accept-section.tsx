/**
 * The client page's "Accept bill" section: a form that freezes the month's bill into the archive
 * (POST /clients/:account/accept), or, once accepted, the invoice with its PDF and CSV. A bill in the
 * review queue needs a ticked confirmation. Its state is loaded by routes/archive/accept-state.ts.
 */
import { Alert, Button, Card, Checkbox, DateTime, TextArea } from '@hivematrix/sdk/html';
import type { ClientBill } from '../billing/index.js';
import type { ReviewFlag } from '../archive/index.js';

/** Outcomes a redirect may report (`?accept=<key>`): a key, so no text is reflected from the URL. */
export const ACCEPT_OUTCOMES = {
  accepted: { variant: 'success', message: 'The bill was accepted.' },
  review: { variant: 'error', message: 'This bill is flagged for review: tick the confirmation to accept it anyway.' },
  conflict: { variant: 'error', message: 'This month was already accepted; issue a correction instead.' },
  'cannot-bill': { variant: 'error', message: 'This client cannot be billed for this month.' },
} as const;
export type AcceptOutcome = keyof typeof ACCEPT_OUTCOMES;

export interface AcceptState {
  accepted: { invoiceNumber: string; acceptedBy: string; acceptedAt: string } | null;
  flags: ReviewFlag[];
  outcome: AcceptOutcome | null;
}

export interface AcceptSectionProps {
  period: string;
  bill: ClientBill;
  state: AcceptState;
  urlFor: (path: string) => string;
}

/** Renders the accept section of a client's month. */
export function AcceptSection({ period, bill, state, urlFor }: AcceptSectionProps) {
  const account = bill.client.company.account_number;
  const outcome = state.outcome === null ? null : ACCEPT_OUTCOMES[state.outcome];
  const accepted = state.accepted;
  const archived = (invoice: string, kind: 'pdf' | 'csv') =>
    urlFor(`/api/archive/${encodeURIComponent(invoice)}/${kind}`);
  return (
    <Card title="Accept bill" id="accept-bill">
      {outcome !== null && state.outcome === 'accepted' && accepted !== null ? (
        <Alert variant="success" title="Bill accepted">
          {`Accepted as invoice ${accepted.invoiceNumber}. `}
          <a href={archived(accepted.invoiceNumber, 'pdf')}>Download PDF</a>
        </Alert>
      ) : outcome !== null && state.outcome !== 'accepted' ? (
        <Alert variant={outcome.variant}>{outcome.message}</Alert>
      ) : null}
      {accepted !== null ? (
        <p>
          {`This month is accepted as invoice ${accepted.invoiceNumber} (by ${accepted.acceptedBy}, `}
          <DateTime value={accepted.acceptedAt} />
          {'). '}
          <a href={archived(accepted.invoiceNumber, 'pdf')}>PDF</a>
          {' · '}
          <a href={archived(accepted.invoiceNumber, 'csv')}>CSV</a>
          {' · '}
          <a href={urlFor(`/archive/${encodeURIComponent(accepted.invoiceNumber)}`)}>View in archive</a>
        </p>
      ) : !bill.result.billable ? (
        <p>{`This bill cannot be accepted: ${bill.result.flags.join('; ')}.`}</p>
      ) : (
        <form method="post" action={urlFor(`/clients/${encodeURIComponent(account)}/accept`)}>
          <input type="hidden" name="month" value={period} />
          {state.flags.length > 0 && (
            <Alert variant="warning" title="Flagged for review">
              <ul>
                {state.flags.map((flag) => (
                  <li>{flag.message}</li>
                ))}
              </ul>
            </Alert>
          )}
          <TextArea name="notes" label="Notes (printed on the invoice)" rows={2} maxLength={2000} />
          {state.flags.length > 0 && (
            <Checkbox
              name="confirm_review"
              value="yes"
              required
              label="I have reviewed the flags above and accept this bill anyway"
            />
          )}
          <Button type="submit" variant="success">
            Accept bill
          </Button>
        </form>
      )}
    </Card>
  );
}
