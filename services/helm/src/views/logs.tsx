/**
 * The logs viewer: a GET form of filters (so a filtered view is a link), the newest entries first,
 * a link to the next page (keyset), and a link to follow each correlation id across services.
 */
import type { JSX } from 'preact';
import { Button, Card, Page, PageHeader, SelectField, Table, TextField } from '@hivematrix/sdk/html';
import { encodeCursor, LOG_LEVELS, type LogPage } from '../db/log-query.js';
import type { UrlFor } from './services.js';

/** What the page shows. */
export interface LogsPageProps {
  page: LogPage;
  services: readonly string[];
  /** The current filters as query values (for the form and the links). */
  query: Record<string, string | undefined>;
  urlFor: UrlFor;
}

/** The viewer page. */
export function LogsPage({ page, services, query, urlFor }: LogsPageProps): JSX.Element {
  const next = page.next === null ? undefined : urlFor('/logs', { ...query, after: encodeCursor(page.next) });
  return (
    <Page title="Logs" service="helm">
      <PageHeader
        title="Logs"
        description="Log entries shipped by every service. A correlation id shows one request's path across services, oldest first."
        actions={<Button href={urlFor('/services')} variant="secondary">Services</Button>}
      />
      <Card title="Filters">
        <form method="get" action={urlFor('/logs')}>
          <SelectField name="service" label="Service" placeholder="All services" value={query.service} options={services.map((name) => ({ value: name, label: name }))} />
          <SelectField name="level" label="Lowest level" placeholder="All levels" value={query.level} options={LOG_LEVELS.map((level) => ({ value: level, label: level }))} />
          <TextField name="from" label="From (ISO time)" value={query.from} />
          <TextField name="to" label="To (ISO time)" value={query.to} />
          <TextField name="trace_id" label="Correlation id" value={query.trace_id} />
          <TextField name="q" label="Message contains" value={query.q} />
          <Button type="submit">Filter</Button>
        </form>
      </Card>
      <Card title="Entries" actions={
        <span class="u-flex u-gap-sm">
          <Button href={urlFor('/api/logs/export', { ...query, format: 'csv' })} variant="secondary" small>Download CSV</Button>
          <Button href={urlFor('/api/logs/export', { ...query, format: 'ndjson' })} variant="secondary" small>Download NDJSON</Button>
          {next === undefined ? null : <Button href={next} variant="secondary" small>Next page</Button>}
        </span>
      }>
        <Table
          label="Log entries"
          empty="No entries match."
          columns={[
            { key: 'time', label: 'Time' },
            { key: 'service', label: 'Service' },
            { key: 'level', label: 'Level' },
            { key: 'message', label: 'Message' },
            { key: 'trace', label: 'Correlation id' },
          ]}
          rows={page.entries.map((entry) => ({
            time: entry.timestamp.toISOString(),
            service: entry.serviceName,
            level: entry.level,
            message: entry.message,
            trace: entry.traceId === null ? '' : <a href={urlFor('/logs', { trace_id: entry.traceId })}>{entry.traceId}</a>,
          }))}
        />
      </Card>
    </Page>
  );
}
