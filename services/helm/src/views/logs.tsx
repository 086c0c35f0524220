/**
 * The logs viewer: a one-line GET filter bar (so a filtered view is a link: service, lowest level,
 * time range preset, text, correlation id, and the live follow toggle), a small histogram of the
 * volume by level over the range, then the newest entries first, a link to the next page (keyset)
 * and a link to follow each correlation id across services. The live follow (helm-logs.js) adds
 * the entries the stream sends on top of the table.
 */
import type { JSX } from 'preact';
import { Button, Card, DateTime, Page, Table } from '@hivematrix/sdk/html';
import { encodeCursor, LOG_LEVELS } from '../db/index.js';
import type { LogHistogram as Histogram, LogPage } from '../db/index.js';
import { LogHistogram } from './log-histogram.js';
import type { UrlFor } from './services.js';

/** What the page shows. */
export interface LogsPageProps {
  page: LogPage;
  services: readonly string[];
  /** The current filters as query values (for the form and the links). */
  query: Record<string, string | undefined>;
  histogram: Histogram;
  urlFor: UrlFor;
}

const RANGES = [
  ['15m', '15 min'],
  ['1h', '1 h'],
  ['24h', '24 h'],
  ['7d', '7 days'],
  ['', 'All time'],
] as const;

function Select({
  name,
  label,
  value,
  options,
}: {
  name: string;
  label: string;
  value: string | undefined;
  options: readonly (readonly [string, string])[];
}): JSX.Element {
  return (
    <label class="filter-group">
      <span class="form-group__label">{label}</span>
      <select class="form-group__select" name={name}>
        {options.map(([option, text]) => (
          <option value={option} selected={(value ?? '') === option}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function Input({
  name,
  label,
  value,
  placeholder,
}: {
  name: string;
  label: string;
  value: string | undefined;
  placeholder: string;
}): JSX.Element {
  return (
    <label class="filter-group">
      <span class="form-group__label">{label}</span>
      <input
        class="form-group__input"
        type="search"
        name={name}
        value={value ?? ''}
        placeholder={placeholder}
        maxLength={500}
      />
    </label>
  );
}

/** The viewer page. */
export function LogsPage({ page, services, query, histogram, urlFor }: LogsPageProps): JSX.Element {
  const next = page.next === null ? undefined : urlFor('/logs', { ...query, after: encodeCursor(page.next) });
  const streamUrl = urlFor('/api/logs/stream', { ...query, range: undefined, from: undefined, to: undefined });
  return (
    <Page title="Logs" service="helm" scripts={<script src={urlFor('/static/helm-logs.js')} defer />}>
      <div class="logs-viewer">
        <form class="logs-filters" method="get" action={urlFor('/logs')} aria-label="Log filters">
          <Select
            name="service"
            label="Service"
            value={query.service}
            options={[['', 'All services'], ...services.map((name) => [name, name] as const)]}
          />
          <Select
            name="level"
            label="Lowest level"
            value={query.level}
            options={[['', 'All levels'], ...LOG_LEVELS.map((level) => [level, level] as const)]}
          />
          <Select name="range" label="Time range" value={query.range} options={RANGES} />
          <Input name="q" label="Message contains" value={query.q} placeholder="Text" />
          <Input name="trace_id" label="Correlation id" value={query.trace_id} placeholder="Request id" />
          {query.from === undefined ? null : <input type="hidden" name="from" value={query.from} />}
          {query.to === undefined ? null : <input type="hidden" name="to" value={query.to} />}
          <Button type="submit">Filter</Button>
          <label class="filter-group filter-group--checkbox">
            <input type="checkbox" id="logs-follow" data-stream={streamUrl} />
            <span>Live follow</span>
          </label>
          <span class="logs-status" id="logs-status" role="status" aria-live="polite"></span>
        </form>
        <LogHistogram histogram={histogram} />
        <Card
          title="Entries"
          actions={
            <span class="u-flex u-gap-sm">
              <Button href={urlFor('/api/logs/export', { ...query, format: 'csv' })} variant="secondary" small>
                Download CSV
              </Button>
              <Button href={urlFor('/api/logs/export', { ...query, format: 'ndjson' })} variant="secondary" small>
                Download NDJSON
              </Button>
              {next === undefined ? null : (
                <Button href={next} variant="secondary" small>
                  Next page
                </Button>
              )}
            </span>
          }
        >
          <div id="logs-entries" data-trace-base={urlFor('/logs')}>
            <Table
              label="Log entries"
              empty="No entries match. Widen the time range or clear a filter; services ship their logs here as they run."
              columns={[
                { key: 'time', label: 'Time' },
                { key: 'service', label: 'Service' },
                { key: 'level', label: 'Level' },
                { key: 'message', label: 'Message' },
                { key: 'trace', label: 'Correlation id' },
              ]}
              rows={page.entries.map((entry) => ({
                time: <DateTime value={entry.timestamp} style="precise" />,
                service: entry.serviceName,
                level: entry.level,
                message: entry.message,
                trace:
                  entry.traceId === null ? (
                    ''
                  ) : (
                    <a href={urlFor('/logs', { trace_id: entry.traceId })}>{entry.traceId}</a>
                  ),
              }))}
            />
          </div>
        </Card>
      </div>
    </Page>
  );
}
