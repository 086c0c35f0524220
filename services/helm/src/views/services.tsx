/** The services page (every service and its controls) and one service's detail. */
import type { JSX } from 'preact';
import type { Query } from '@hivematrix/sdk';
import { Alert, Badge, Button, Card, DateTime, Num, Page, PageHeader, Table, formatNumber } from '@hivematrix/sdk/html';
import { RUN_ACTIONS, type ServiceAction } from '../control.js';
import type { MetricSample, LogEntryRow } from '../db/index.js';
import type { ServiceStatusView } from '../status.js';

/** Builds a same-site URL under helm's prefix (`request.urlFor`). */
export type UrlFor = (path: string, query?: Query) => string;

/** A health's colour; any other value (`unknown`, or one a service made up) shows as info. */
const HEALTH_BADGE = new Map<string, 'success' | 'warning' | 'danger'>([
  ['healthy', 'success'],
  ['degraded', 'warning'],
  ['unhealthy', 'danger'],
  ['down', 'danger'],
]);

/** The health as a coloured badge. */
export function HealthBadge({ health }: { health: string }): JSX.Element {
  return <Badge variant={HEALTH_BADGE.get(health) ?? 'info'}>{health}</Badge>;
}

function uptime(seconds: number | null): string {
  if (seconds === null) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${formatNumber(h)} h ${m} min` : `${m} min ${seconds % 60} s`;
}

/**
 * Start, stop and restart as POST forms, and disable for an app (helm itself is not controlled
 * from its own page); a disabled app offers only enable. When another system runs the services
 * (helm's external mode), none: it says who does.
 */
function Controls({
  service,
  urlFor,
  managedBy,
}: {
  service: ServiceStatusView;
  urlFor: UrlFor;
  managedBy: string | null;
}): JSX.Element | null {
  if (service.name === 'helm' || service.state === 'not_installed') return null;
  if (managedBy !== null) return <Badge variant="info">{`managed by ${managedBy}`}</Badge>;
  const actions: readonly ServiceAction[] =
    service.state === 'disabled' ? ['enable'] : service.kind === 'app' ? [...RUN_ACTIONS, 'disable'] : RUN_ACTIONS;
  return (
    <span class="u-flex u-gap-sm">
      {actions.map((action) => (
        <form method="post" action={urlFor(`/services/${service.name}/${action}`)} class="u-inline">
          <Button
            type="submit"
            small
            variant={action === 'stop' || action === 'disable' ? 'danger' : 'secondary'}
            aria-label={`${action} ${service.name}`}
          >
            {action}
          </Button>
        </form>
      ))}
    </span>
  );
}

/** The newest sample's CPU figure. */
function cpuText(sample: MetricSample | undefined): string {
  return sample?.cpuPercent === null || sample?.cpuPercent === undefined ? '—' : `${sample.cpuPercent.toFixed(1)} %`;
}

/** Memory of the whole process group from the newest sample, else the leader's from the status. */
function memoryText(service: ServiceStatusView, sample: MetricSample | undefined): string {
  const mb = sample?.memoryMb ?? service.memory_mb;
  return mb === null
    ? '—'
    : `${formatNumber(Math.round(mb * 10) / 10, { decimals: Number.isInteger(Math.round(mb * 10) / 10) ? 0 : 1 })} MB`;
}

/** Every service with its state and controls; `usage` holds each service's newest metrics sample. */
export function ServicesPage({
  services,
  usage,
  alerts,
  setupPending = 0,
  managedBy = null,
  urlFor,
}: {
  services: readonly ServiceStatusView[];
  /** Who runs the services when helm does not (external mode): no controls, and a note saying so. */
  managedBy?: string | null;
  usage?: ReadonlyMap<string, MetricSample>;
  /** Open alerts, and how many of them are high. */
  alerts?: { open: number; high: number };
  /** Steps of the setup checklist neither done nor skipped (a reminder until there are none). */
  setupPending?: number;
  urlFor: UrlFor;
}): JSX.Element {
  const open = alerts?.open ?? 0;
  return (
    <Page title="Services" service="helm">
      <PageHeader
        title="Services"
        description={
          managedBy === null
            ? 'Every service helm knows, from the registry.'
            : `Every service in services.json, as its health endpoint answers; ${managedBy} runs them.`
        }
        actions={
          <span class="u-flex u-gap-sm">
            <Button href={urlFor('/alerts')} variant={(alerts?.high ?? 0) > 0 ? 'danger' : 'secondary'}>
              {open === 0 ? 'Alerts' : `Alerts (${open})`}
            </Button>
            <Button href={urlFor('/logs')} variant="secondary">
              Logs
            </Button>
            <Button href={urlFor('/audit-trail')} variant="secondary">
              Audit trail
            </Button>
            <Button href={urlFor('/users')} variant="secondary">
              Users
            </Button>
            <Button href={urlFor('/settings')} variant="secondary">
              Settings
            </Button>
            <Button href={urlFor('/setup')} variant="secondary">
              Setup
            </Button>
          </span>
        }
      />
      {setupPending > 0 ? (
        <Alert variant="info" title={`Finish setting up: ${setupPending} step(s) left`}>
          <a href={urlFor('/setup')} id="setup-reminder">
            Open the setup checklist
          </a>
          : change the generated password, set the hostname, connect integrations, create users. Each step can be
          skipped.
        </Alert>
      ) : null}
      {managedBy === null ? null : (
        <Alert variant="info" title={`Managed by ${managedBy}`}>
          Helm starts, stops and restarts nothing here: state and health come from each service&apos;s /health, logs are
          shipped to helm as usual, and alerts follow the health. Restart a service with {managedBy}
          {managedBy === 'Kubernetes' ? ' (kubectl rollout restart deployment/<name>)' : ''}.
        </Alert>
      )}
      {(alerts?.high ?? 0) > 0 ? (
        <Alert variant="error" title={`${alerts?.high ?? 0} high alert(s) open`}>
          <a href={urlFor('/alerts')}>See the alerts</a> for what failed and how to fix it.
        </Alert>
      ) : null}
      <Card title="Services">
        <Table
          label="Services"
          columns={[
            { key: 'name', label: 'Service' },
            { key: 'state', label: 'State' },
            { key: 'health', label: 'Health' },
            { key: 'pid', label: 'PID', align: 'right' },
            { key: 'uptime', label: 'Uptime' },
            { key: 'restarts', label: 'Restarts', align: 'right' },
            { key: 'cpu', label: 'CPU', align: 'right' },
            { key: 'memory', label: 'Memory', align: 'right' },
            { key: 'actions', label: 'Actions' },
          ]}
          rows={services.map((service) => ({
            name: <a href={urlFor(`/services/${service.name}`)}>{service.name}</a>,
            state: service.state,
            health: <HealthBadge health={service.health} />,
            pid: service.pid ?? '—',
            uptime: uptime(service.uptime_s),
            restarts: <Num value={service.restarts} />,
            cpu: cpuText(service.pid === null ? undefined : usage?.get(service.name)),
            memory: memoryText(service, service.pid === null ? undefined : usage?.get(service.name)),
            actions: <Controls service={service} urlFor={urlFor} managedBy={managedBy} />,
          }))}
        />
      </Card>
    </Page>
  );
}

/** One service: its state, controls, usage charts and health history (`usage`), supervisor log tail and recent shipped log entries. */
export function ServiceDetailPage(props: {
  service: ServiceStatusView;
  logs: readonly LogEntryRow[];
  usage?: JSX.Element;
  managedBy?: string | null;
  urlFor: UrlFor;
}): JSX.Element {
  const { service, logs, urlFor } = props;
  const managedBy = props.managedBy ?? null;
  return (
    <Page title={service.name} service="helm">
      <PageHeader
        title={service.name}
        description={`${service.kind} service on port ${service.port}`}
        actions={
          <Button href={urlFor('/services')} variant="secondary">
            All services
          </Button>
        }
      />
      <Card title="State" actions={<Controls service={service} urlFor={urlFor} managedBy={managedBy} />}>
        <dl>
          <dt>State</dt>
          <dd>{service.state}</dd>
          <dt>Health</dt>
          <dd>
            <HealthBadge health={service.health} />
          </dd>
          <dt>PID</dt>
          <dd>{service.pid ?? '—'}</dd>
          <dt>Uptime</dt>
          <dd>{uptime(service.uptime_s)}</dd>
          <dt>Restarts</dt>
          <dd>
            <Num value={service.restarts} />
          </dd>
          <dt>Memory</dt>
          <dd>{service.memory_mb === null ? '—' : <Num value={service.memory_mb} unit="MB" />}</dd>
          <dt>Message</dt>
          <dd>{service.message ?? '—'}</dd>
        </dl>
      </Card>
      {props.usage ?? null}
      <Card
        title="Recent log entries"
        actions={
          <Button href={urlFor('/logs', { service: service.name })} variant="secondary" small>
            Open in logs
          </Button>
        }
      >
        <Table
          label="Recent log entries"
          empty="No log entries shipped yet: a running service ships its log here within seconds; start it above if it is stopped."
          columns={[
            { key: 'time', label: 'Time' },
            { key: 'level', label: 'Level' },
            { key: 'message', label: 'Message' },
          ]}
          rows={logs.map((entry) => ({
            time: <DateTime value={entry.timestamp} style="precise" />,
            level: entry.level,
            message: entry.message,
          }))}
        />
      </Card>
      {service.log_tail.length > 0 ? (
        <Card title="Output (last lines)">
          <pre>{service.log_tail.join('\n')}</pre>
        </Card>
      ) : null}
    </Page>
  );
}
