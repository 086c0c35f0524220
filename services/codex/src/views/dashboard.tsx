/** The dashboard: counts of what Codex holds and how the last syncs went. */
import type { JSX } from 'preact';
import {
  Button,
  Card,
  DateTime,
  EmptyState,
  Num,
  PageHeader,
  Table,
  formatCount,
  formatNumber,
} from '@hivematrix/sdk/html';
import type { DashboardCounts, SyncRun } from '../db/index.js';
import { BILLING_TYPE_LABELS, BILLING_TYPES, isSyncJob, JOB_LABEL } from '../domain/index.js';
import { CodexPage, StatCard, StatusBadge, type Flash, type ViewContext } from './layout.js';

export interface DashboardView {
  ctx: ViewContext;
  flash?: Flash | undefined;
  counts: DashboardCounts;
  runs: SyncRun[] | undefined;
  /** Admins only: how many demo companies are loaded (the page offers to load or remove the demo). */
  demoCompanies?: number | undefined;
}

/** For admins: load the demo MSP into an empty codex, or take it away again. */
function DemoCard({
  ctx,
  companies,
  demoCompanies,
}: {
  ctx: ViewContext;
  companies: number;
  demoCompanies: number;
}): JSX.Element | null {
  if (demoCompanies > 0) {
    return (
      <Card title="Demo data" class="u-mb-3">
        <p>{`${formatCount(demoCompanies, 'demo company', 'demo companies')} (account numbers DEMO-…) ${demoCompanies === 1 ? 'is' : 'are'} loaded. Removing them touches nothing else.`}</p>
        <form method="post" action={ctx.urlFor('/admin/demo/remove')}>
          <Button type="submit" variant="danger" small>
            Remove demo data
          </Button>
        </form>
      </Card>
    );
  }
  if (companies > 0) return null;
  return (
    <Card title="Nothing here yet" class="u-mb-3">
      <EmptyState
        title="Codex is empty"
        message="Connect your PSA and RMM on the integrations page and run a first sync, or load a demo MSP to try every page and a month of bills (npx hivematrix demo does the same; npx hivematrix demo --remove takes it away)."
        action={
          <div class="btn-group">
            <Button href={ctx.urlFor('/admin/integrations')}>Connect integrations</Button>
            <form method="post" action={ctx.urlFor('/admin/demo')}>
              <Button type="submit" variant="secondary">
                Load demo data
              </Button>
            </form>
          </div>
        }
      />
    </Card>
  );
}

/** `/`. */
export function DashboardPage({ ctx, flash, counts, runs, demoCompanies }: DashboardView): JSX.Element {
  return (
    <CodexPage title="Dashboard" ctx={ctx} flash={flash}>
      <PageHeader
        title="Codex"
        description={`Companies, contacts, assets, plans and tickets in one place. Signed in as ${ctx.userName}.`}
      />
      {demoCompanies !== undefined && <DemoCard ctx={ctx} companies={counts.companies} demoCompanies={demoCompanies} />}
      <div class="dashboard-grid u-mb-3">
        <StatCard title="Companies" count={counts.companies} href={ctx.urlFor('/companies')} />
        <StatCard title="Contacts" count={counts.contacts} href={ctx.urlFor('/contacts')} />
        <StatCard
          title="Assets"
          count={counts.assets}
          meta={`${formatNumber(counts.assetsOnline)} online`}
          href={ctx.urlFor('/assets')}
        />
        <StatCard title="Active tickets" count={counts.activeTickets} href={ctx.urlFor('/tickets')} />
        <StatCard title="Billing plans" count={counts.plans} href={ctx.urlFor('/billing-plans')} />
      </div>
      <div class="u-grid u-grid-2 u-mb-3">
        <Card title="Assets by billing type">
          <Table
            label="Assets by billing type"
            columns={[
              { key: 'type', label: 'Billed as' },
              { key: 'count', label: 'Assets', align: 'right' },
            ]}
            rows={BILLING_TYPES.map((type) => ({
              type: <a href={ctx.urlFor('/assets', { billing_type: type })}>{BILLING_TYPE_LABELS[type]}</a>,
              count: <Num value={counts.assetsByBillingType[type] ?? 0} />,
            }))}
          />
        </Card>
        {runs !== undefined && (
          <Card title="Recent syncs">
            <Table
              label="Recent syncs"
              columns={[
                { key: 'job', label: 'Job' },
                { key: 'status', label: 'Status' },
                { key: 'started', label: 'Started' },
                { key: 'counts', label: 'Created / updated / archived' },
              ]}
              rows={runs.map((run) => ({
                job: (
                  <a href={ctx.urlFor(`/admin/runs/${run.id}`)}>{isSyncJob(run.job) ? JOB_LABEL[run.job] : run.job}</a>
                ),
                status: <StatusBadge status={run.status}>{run.status}</StatusBadge>,
                started: <DateTime value={run.startedAt} />,
                counts: `${formatNumber(run.created)} / ${formatNumber(run.updated)} / ${formatNumber(run.archived)}`,
              }))}
              empty="No sync has run yet: connect an integration under Sync and integrations and press Run now."
            />
          </Card>
        )}
      </div>
    </CodexPage>
  );
}
