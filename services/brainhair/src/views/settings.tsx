/** The admin-only settings page: the service's effective, non-secret configuration. */
import { Card, Page, PageHeader, Table } from '@hivematrix/sdk/html';

export function SettingsPage({ settings }: { settings: Record<string, string> }) {
  return (
    <Page title="Settings" service="brainhair">
      <PageHeader title="Settings" description="Effective configuration of this instance. Secrets are not shown." />
      <Card title="Configuration">
        <Table
          columns={[
            { key: 'name', label: 'Variable' },
            { key: 'value', label: 'Value' },
          ]}
          rows={Object.entries(settings).map(([name, value]) => ({ name, value }))}
        />
      </Card>
    </Page>
  );
}
