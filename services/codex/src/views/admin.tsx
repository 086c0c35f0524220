/** Sync and integrations: configured vendors, job schedules, run buttons, history and one run's detail. */
import type { JSX } from 'preact';
import { Button, Card, DateTime, Num, PageHeader, Table, formatNumber } from '@hivematrix/sdk/html';
import type { SyncRun } from '../db/index.js';
import { isSyncJob, JOB_LABEL } from '../domain/index.js';
import type { SyncJobName } from '../domain/index.js';
import { CodexPage, Info, StatusBadge, type Flash, type ViewContext } from './layout.js';

export interface JobRow {
  job: SyncJobName;
  configured: boolean;
  everyMs: number;
  paused: boolean;
  last: SyncRun | undefined;
}

export interface AdminView {
  ctx: ViewContext;
  flash?: Flash | undefined;
  integrations: { provider: string; source: 'page' | 'configuration' | 'none' }[];
  jobs: JobRow[];
  runs: SyncRun[];
  canRun: boolean;
  canManage: boolean;
  schedulerEnabled: boolean;
}

function every(ms: number): string {
  if (ms <= 0) return 'manual only';
  if (ms % 3_600_000 === 0) return `every ${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `every ${ms / 60_000} min`;
  return `every ${Math.round(ms / 1000)} s`;
}

const label = (job: string) => (isSyncJob(job) ? JOB_LABEL[job] : job);

/** `/admin`. */
export function AdminPage(view: AdminView): JSX.Element {
  const { ctx } = view;
  return (
    <CodexPage title="Sync and integrations" ctx={ctx} flash={view.flash}>
      <PageHeader
        title="Sync and integrations"
        description="Vendors, schedules and the history of every sync. Credentials are never shown."
      />
      <div class="u-grid u-grid-2 u-mb-3">
        <Card title="Integrations">
          <Table
            label="Integrations"
            columns={[
              { key: 'provider', label: 'Vendor' },
              { key: 'state', label: 'State' },
            ]}
            rows={view.integrations.map((entry) => ({
              provider: entry.provider,
              state: (
                <StatusBadge status={entry.source === 'none' ? 'inactive' : 'success'}>
                  {entry.source === 'none'
                    ? 'not configured'
                    : entry.source === 'page'
                      ? 'configured on the integrations page'
                      : 'configured in the service configuration'}
                </StatusBadge>
              ),
            }))}
          />
          {view.canManage && (
            <p class="u-mt-2">
              <Button small href={ctx.urlFor('/admin/integrations')}>
                Connect or change integrations
              </Button>
            </p>
          )}
          <p class="u-text-sm u-text-secondary u-mt-2">
            {view.schedulerEnabled
              ? 'Scheduled runs are on in this instance.'
              : 'Scheduled runs are off in this instance (SYNC_SCHEDULER).'}
          </p>
        </Card>
        <Card title="Jobs">
          <Table
            label="Sync jobs"
            columns={[
              { key: 'job', label: 'Job' },
              { key: 'schedule', label: 'Schedule' },
              { key: 'last', label: 'Last run' },
              { key: 'actions', label: 'Actions', align: 'right' },
            ]}
            rows={view.jobs.map((row) => ({
              job: label(row.job),
              schedule: row.configured ? `${every(row.everyMs)}${row.paused ? ' (paused)' : ''}` : 'not configured',
              last:
                row.last === undefined ? (
                  'never'
                ) : (
                  <a href={ctx.urlFor(`/admin/runs/${row.last.id}`)}>
                    <StatusBadge status={row.last.status}>{row.last.status}</StatusBadge>{' '}
                    <DateTime value={row.last.startedAt} />
                  </a>
                ),
              actions: (
                <div class="btn-group">
                  {view.canRun && row.configured && (
                    <form method="post" action={ctx.urlFor(`/admin/sync/${row.job}`)}>
                      <Button type="submit" small aria-label={`Run ${label(row.job)} now`}>
                        Run now
                      </Button>
                    </form>
                  )}
                  {view.canManage && row.configured && (
                    <form method="post" action={ctx.urlFor(`/admin/schedules/${row.job}`)}>
                      <input type="hidden" name="paused" value={row.paused ? 'false' : 'true'} />
                      <Button type="submit" small variant="secondary">
                        {row.paused ? 'Resume schedule' : 'Pause schedule'}
                      </Button>
                    </form>
                  )}
                </div>
              ),
            }))}
          />
        </Card>
      </div>
      <Card title="Sync history">
        <RunTable ctx={ctx} runs={view.runs} />
      </Card>
    </CodexPage>
  );
}

function RunTable({ ctx, runs }: { ctx: ViewContext; runs: SyncRun[] }): JSX.Element {
  return (
    <Table
      label="Sync history"
      columns={[
        { key: 'job', label: 'Job' },
        { key: 'status', label: 'Status' },
        { key: 'trigger', label: 'Started by' },
        { key: 'started', label: 'Started' },
        { key: 'finished', label: 'Finished' },
        { key: 'counts', label: 'Fetched / created / updated / archived' },
        { key: 'errors', label: 'Errors', align: 'right' },
        { key: 'skipped', label: 'Skipped', align: 'right' },
      ]}
      rows={runs.map((run) => ({
        job: <a href={ctx.urlFor(`/admin/runs/${run.id}`)}>{label(run.job)}</a>,
        status: <StatusBadge status={run.status}>{run.status}</StatusBadge>,
        trigger: run.trigger === 'schedule' ? 'schedule' : (run.requestedBy ?? 'someone'),
        started: <DateTime value={run.startedAt} />,
        finished: <DateTime value={run.finishedAt} />,
        counts: [run.fetched, run.created, run.updated, run.archived].map((count) => formatNumber(count)).join(' / '),
        errors: <Num value={run.errors.length} />,
        skipped: <Num value={run.skipped.length} />,
      }))}
      empty="No sync has run yet: connect an integration, then press Run now on its job above."
    />
  );
}

/** `/admin/runs/:id`: a run's progress (the page refreshes itself while it runs) and outcome. */
export function RunPage({
  ctx,
  flash,
  run,
}: {
  ctx: ViewContext;
  flash?: Flash | undefined;
  run: SyncRun;
}): JSX.Element {
  const running = run.status === 'running';
  return (
    <CodexPage
      title={`Sync run ${run.id}`}
      ctx={ctx}
      flash={flash}
      head={running ? <meta http-equiv="refresh" content="3" /> : undefined}
    >
      <PageHeader
        title={label(run.job)}
        description={`Run ${run.id}`}
        actions={
          <Button variant="secondary" href={ctx.urlFor('/admin')}>
            All runs
          </Button>
        }
      />
      <Card title="Run" class="u-mb-3">
        <div class="info-grid">
          <Info label="Status">
            <StatusBadge status={run.status}>{run.status}</StatusBadge>
          </Info>
          <Info label="Phase">{run.phase ?? '—'}</Info>
          <Info label="Started">
            <DateTime value={run.startedAt} />
          </Info>
          <Info label="Finished">
            <DateTime value={run.finishedAt} />
          </Info>
          <Info label="Fetched">
            <Num value={run.fetched} />
          </Info>
          <Info label="Created">
            <Num value={run.created} />
          </Info>
          <Info label="Updated">
            <Num value={run.updated} />
          </Info>
          <Info label="Archived">
            <Num value={run.archived} />
          </Info>
        </div>
      </Card>
      <div class="u-grid u-grid-2">
        <Card
          title={`Errors (${formatNumber(run.errors.length)})`}
          {...(run.errors.length > 0 ? { variant: 'danger' as const } : {})}
        >
          {run.errors.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {run.errors.map((error) => (
                <li>{error}</li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={`Warnings (${formatNumber(run.warnings.length)})`}>
          {run.warnings.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {run.warnings.map((warning) => (
                <li>{warning}</li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card title={`Skipped records (${formatNumber(run.skipped.length)})`} class="u-mt-3">
        {run.skipped.length === 0 ? (
          <p>None: every record fetched was stored.</p>
        ) : (
          <Table
            label="Records this run could not store"
            columns={[
              { key: 'collection', label: 'Kind' },
              { key: 'name', label: 'Name' },
              { key: 'id', label: 'Vendor id' },
              { key: 'reason', label: 'Why it was skipped' },
            ]}
            rows={run.skipped.map((record) => ({
              collection: record.collection,
              name: record.name,
              id: record.externalId,
              reason: record.reason,
            }))}
          />
        )}
      </Card>
    </CodexPage>
  );
}
