/** The audit trail: every admin action, newest first. */
import type { JSX } from 'preact';
import { Badge, Button, Card, DateTime, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import type { AuditRow } from '../db/index.js';
import type { UrlFor } from './services.js';

/** Lists the recorded actions. */
export function AuditPage({ rows, urlFor }: { rows: readonly AuditRow[]; urlFor: UrlFor }): JSX.Element {
  return (
    <Page title="Audit trail" service="helm">
      <PageHeader
        title="Audit trail"
        description="Every action taken through helm: who, what, when and how it ended."
        actions={
          <Button href={urlFor('/services')} variant="secondary">
            Services
          </Button>
        }
      />
      <Card title="Actions">
        <Table
          label="Audit trail"
          empty="No actions recorded yet: starting, stopping or restarting a service, changing users or settings, and backups are recorded here."
          columns={[
            { key: 'at', label: 'When' },
            { key: 'actor', label: 'Who' },
            { key: 'action', label: 'Action' },
            { key: 'target', label: 'Target' },
            { key: 'result', label: 'Result' },
            { key: 'detail', label: 'Detail', truncate: true },
          ]}
          rows={rows.map((row) => ({
            at: <DateTime value={row.at} />,
            actor: row.actor,
            action: row.action,
            target: row.target,
            result: <Badge variant={row.result === 'success' ? 'success' : 'danger'}>{row.result}</Badge>,
            detail: row.detail ?? '',
          }))}
        />
      </Card>
    </Page>
  );
}
