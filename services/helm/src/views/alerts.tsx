/** The alerts page: open alerts (most severe first), recently resolved ones, and a webhook test. */
import type { JSX } from 'preact';
import { Alert, Badge, Button, Card, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import type { AlertRow, AlertSeverity } from '../db/alerts.js';
import type { UrlFor } from './services.js';

const BADGE: Record<AlertSeverity, 'danger' | 'warning' | 'info'> = { high: 'danger', medium: 'warning', low: 'info' };

function delivery(row: AlertRow, webhook: boolean): JSX.Element | string {
  if (row.notifiedAt !== null) return `sent ${row.notifiedAt.toISOString()}`;
  if (row.notifyError !== null) return <Badge variant="danger">{`not sent: ${row.notifyError}`}</Badge>;
  return webhook ? 'not sent' : 'no webhook';
}

export interface AlertsPageProps {
  open: AlertRow[];
  resolved: AlertRow[];
  webhookConfigured: boolean;
  /** The outcome of "Send a test alert": sent, or why it failed. */
  test: { sent: true } | { sent: false; error: string } | undefined;
  urlFor: UrlFor;
}

export function AlertsPage({ open, resolved, webhookConfigured, test, urlFor }: AlertsPageProps): JSX.Element {
  return (
    <Page title="Alerts" service="helm">
      <PageHeader
        title="Alerts"
        description="Services that failed or stay down, scheduled backups that failed, the certificate's expiry and high findings of the security audit. An alert stays open until its condition clears."
        actions={<Button href={urlFor('/')} variant="secondary">Services</Button>}
      />
      {test?.sent === true ? <Alert variant="success">The test alert was delivered.</Alert> : null}
      {test?.sent === false ? <Alert variant="error" title="The test alert was not delivered">{test.error}</Alert> : null}
      <Card title={open.length === 0 ? 'No open alerts' : `Open alerts (${open.length})`}>
        <Table
          label="Open alerts"
          empty="Nothing needs attention."
          columns={[{ key: 'severity', label: 'Severity' }, { key: 'title', label: 'Alert' }, { key: 'detail', label: 'Detail' }, { key: 'opened', label: 'Since' }, { key: 'delivery', label: 'Webhook' }]}
          rows={open.map((row) => ({
            severity: <Badge variant={BADGE[row.severity]}>{row.severity}</Badge>,
            title: row.title, detail: row.detail, opened: row.openedAt.toISOString(), delivery: delivery(row, webhookConfigured),
          }))}
        />
      </Card>
      <Card title="Recently resolved">
        <Table
          label="Resolved alerts"
          empty="None."
          columns={[{ key: 'severity', label: 'Severity' }, { key: 'title', label: 'Alert' }, { key: 'opened', label: 'Opened' }, { key: 'resolved', label: 'Resolved' }]}
          rows={resolved.map((row) => ({
            severity: <Badge variant={BADGE[row.severity]}>{row.severity}</Badge>, title: row.title,
            opened: row.openedAt.toISOString(), resolved: row.resolvedAt?.toISOString() ?? '',
          }))}
        />
      </Card>
      <Card title="Delivery">
        {webhookConfigured
          ? <p>Alerts are posted to the webhook set in the settings (alerts.webhook_url) when they open and when they resolve.</p>
          : <p>No webhook is set: alerts are shown here and written to helm's log. Set <code>alerts.webhook_url</code> on the <a href={urlFor('/settings')}>settings</a> page to have them posted to a chat channel.</p>}
        <form method="post" action={urlFor('/alerts/test')}>
          <Button type="submit" variant="secondary" disabled={!webhookConfigured}>Send a test alert</Button>
        </form>
      </Card>
    </Page>
  );
}
