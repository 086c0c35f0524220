/** The alerts page: open alerts (most severe first), recently resolved ones, and a webhook test. */
import type { JSX } from 'preact';
import { Alert, Badge, Button, Card, DateTime, Page, PageHeader, Table, formatNumber } from '@hivematrix/sdk/html';
import type { AlertRow, AlertSeverity } from '../db/index.js';
import type { UrlFor } from './services.js';

const BADGE: Record<AlertSeverity, 'danger' | 'warning' | 'info'> = { high: 'danger', medium: 'warning', low: 'info' };

function delivery(row: AlertRow, configured: boolean): JSX.Element | string {
  const failed = row.notifyError === null ? null : <Badge variant="danger">{`failed: ${row.notifyError}`}</Badge>;
  if (row.notifiedAt !== null)
    return (
      <>
        sent <DateTime value={row.notifiedAt} />
        {failed === null ? null : <> {failed}</>}
      </>
    );
  return failed ?? (configured ? 'not sent' : 'nowhere to send');
}

export interface AlertsPageProps {
  open: AlertRow[];
  resolved: AlertRow[];
  /** Where alerts are sent (`webhook`, `e-mail to …`); empty: nowhere. */
  channels: string[];
  /** The outcome of "Send a test alert": sent, or why it failed. */
  test: { sent: true } | { sent: false; error: string } | undefined;
  urlFor: UrlFor;
}

export function AlertsPage({ open, resolved, channels, test, urlFor }: AlertsPageProps): JSX.Element {
  const configured = channels.length > 0;
  return (
    <Page title="Alerts" service="helm">
      <PageHeader
        title="Alerts"
        description="Services that failed or stay down, scheduled backups that failed, the certificate's expiry and high findings of the security audit. An alert stays open until its condition clears."
        actions={
          <Button href={urlFor('/')} variant="secondary">
            Services
          </Button>
        }
      />
      {test?.sent === true ? <Alert variant="success">The test alert was delivered.</Alert> : null}
      {test?.sent === false ? (
        <Alert variant="error" title="The test alert was not delivered">
          {test.error}
        </Alert>
      ) : null}
      <Card title={open.length === 0 ? 'No open alerts' : `Open alerts (${formatNumber(open.length)})`}>
        <Table
          label="Open alerts"
          empty="Nothing needs attention."
          columns={[
            { key: 'severity', label: 'Severity' },
            { key: 'title', label: 'Alert' },
            { key: 'detail', label: 'Detail' },
            { key: 'opened', label: 'Since' },
            { key: 'delivery', label: 'Delivery' },
          ]}
          rows={open.map((row) => ({
            severity: <Badge variant={BADGE[row.severity]}>{row.severity}</Badge>,
            title: row.title,
            detail: row.detail,
            opened: <DateTime value={row.openedAt} />,
            delivery: delivery(row, configured),
          }))}
        />
      </Card>
      <Card title="Recently resolved">
        <Table
          label="Resolved alerts"
          empty="None in the last days: alerts move here when their condition clears."
          columns={[
            { key: 'severity', label: 'Severity' },
            { key: 'title', label: 'Alert' },
            { key: 'opened', label: 'Opened' },
            { key: 'resolved', label: 'Resolved' },
          ]}
          rows={resolved.map((row) => ({
            severity: <Badge variant={BADGE[row.severity]}>{row.severity}</Badge>,
            title: row.title,
            opened: <DateTime value={row.openedAt} />,
            resolved: <DateTime value={row.resolvedAt} empty="" />,
          }))}
        />
      </Card>
      <Card title="Delivery">
        {configured ? (
          <p>{`Alerts are sent when they open and when they resolve: ${channels.join('; ')}.`}</p>
        ) : (
          <p>
            Alerts are shown here and written to helm's log. Set a webhook or e-mail recipients on the{' '}
            <a href={urlFor('/settings')}>settings</a> page (e-mail also needs <code>alerts.smtp_url</code> in the
            master configuration) to have them sent.
          </p>
        )}
        <form method="post" action={urlFor('/alerts/test')}>
          <Button type="submit" variant="secondary" disabled={!configured}>
            Send a test alert
          </Button>
        </form>
      </Card>
    </Page>
  );
}
