/** The admin-only settings page: the service's effective, non-secret configuration. */
import { Card, Page, PageHeader, Table } from '@hivematrix/sdk/html';

export function SettingsPage({
  settings,
  links,
}: {
  settings: Record<string, string>;
  links: { codexSync: string; docs: string };
}) {
  return (
    <Page title="Settings" service="knowledgetree">
      <PageHeader title="Settings" description="Effective configuration of this instance. Secrets are not shown." />
      <Card title="Administration">
        <p>
          <a href={links.codexSync}>Codex sync</a>: runs, progress and "Sync now".{' '}
          <a href={links.docs}>API reference</a> and its OpenAPI document.
        </p>
      </Card>
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
