/** The admin page of the codex job: start a run, watch its progress, read the history. */
import { Alert, Badge, Button, Card, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import type { SyncRun } from '../domain/index.js';

const STATUS_VARIANT = { running: 'info', succeeded: 'success', failed: 'danger' } as const;

function when(date: Date | null): string {
  return date === null ? '' : date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function CodexSyncPage({
  runs,
  configured,
  startUrl,
  notice,
  error,
}: {
  runs: SyncRun[];
  configured: boolean;
  startUrl: string;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const running = runs.find((run) => run.status === 'running');
  return (
    <Page title="Codex sync" service="knowledgetree">
      <PageHeader
        title="Codex sync"
        description="Builds Companies/<company>/Contacts, Assets and Tickets from codex as read-only articles. Runs on a schedule; start one here. Hand-written articles are never changed."
        actions={
          configured ? (
            <form method="post" action={startUrl}>
              <Button type="submit" disabled={running !== undefined} data-testid="codex-sync-start">
                Sync now
              </Button>
            </form>
          ) : undefined
        }
      />
      {notice !== undefined ? <Alert variant="success">{notice}</Alert> : null}
      {error !== undefined ? <Alert variant="error">{error}</Alert> : null}
      {configured ? null : (
        <Alert variant="warning">
          Not configured: the service needs SERVICE_SECRET to read codex with a service token.
        </Alert>
      )}
      {running === undefined ? null : (
        <Alert variant="info" title="Running">
          {running.companies_done} of {running.companies_total} companies; {running.created} created, {running.updated}{' '}
          updated, {running.archived} archived, {running.unchanged} unchanged. Reload to follow.
        </Alert>
      )}
      <Card title="Runs">
        <Table
          label="Codex sync runs"
          empty="No run yet."
          columns={[
            { key: 'started', label: 'Started' },
            { key: 'trigger', label: 'By' },
            { key: 'status', label: 'Status' },
            { key: 'progress', label: 'Companies', align: 'right' },
            { key: 'changes', label: 'Created / updated / archived / unchanged' },
            { key: 'finished', label: 'Finished' },
            { key: 'error', label: 'Error' },
          ]}
          rows={runs.map((run) => ({
            started: when(run.started_at),
            trigger: run.trigger === 'schedule' ? 'schedule' : run.started_by,
            status: <Badge variant={STATUS_VARIANT[run.status]}>{run.status}</Badge>,
            progress: `${run.companies_done} / ${run.companies_total}`,
            changes: `${run.created} / ${run.updated} / ${run.archived} / ${run.unchanged}`,
            finished: when(run.finished_at),
            error: run.error ?? '',
          }))}
        />
      </Card>
    </Page>
  );
}
