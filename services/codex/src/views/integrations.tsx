/**
 * `/admin/integrations`: one card per vendor with the source in effect, the address, fields for
 * new credentials (never the stored ones), the schedule of each job, "Save", "Save and test
 * connection", the last test's message, and "Run now" for the first sync (its page shows the
 * progress), offered once the saved settings' last test did not fail.
 */
import type { JSX } from 'preact';
import { Alert, Button, Card, PageHeader, SelectField, TextField } from '@hivematrix/sdk/html';
import type { IntegrationSummary, SyncRun } from '../db/index.js';
import { JOB_LABEL, SCHEDULE_CHOICES } from '../domain/index.js';
import type { IntegrationKind, SyncJobName } from '../domain/index.js';
import type { ConnectionSource } from '../sync/index.js';
import { CodexPage, StatusBadge, when, type Flash, type ViewContext } from './layout.js';

export interface IntegrationCardView {
  kind: IntegrationKind;
  source: ConnectionSource;
  stored: IntegrationSummary | undefined;
  /** Why stored settings cannot be used (unreadable credentials). */
  problem: string | undefined;
  /** The configuration's address for this vendor, when it has one. */
  configEndpoint: string | null;
  jobs: { job: SyncJobName; everyMs: number; configured: boolean; last: SyncRun | undefined }[];
  /** After a refused submission: the values entered (never secrets) and the errors by field. */
  entered?: Record<string, string> | undefined;
  errors?: Record<string, string> | undefined;
}

export interface IntegrationsView {
  ctx: ViewContext;
  flash?: Flash | undefined;
  cards: IntegrationCardView[];
  /** False when no key can seal credentials: saving is refused and the page says why. */
  canStore: boolean;
}

const SOURCE_TEXT: Record<ConnectionSource, string> = {
  page: 'In use: the settings saved on this page',
  configuration: 'In use: the service configuration',
  none: 'Not connected',
};

function scheduleLabel(ms: number): string {
  return (
    SCHEDULE_CHOICES.find((choice) => choice.ms === ms)?.label ??
    (ms <= 0 ? 'manual only' : `every ${Math.round(ms / 60_000)} min`)
  );
}

function IntegrationCard({
  ctx,
  card,
  canStore,
}: {
  ctx: ViewContext;
  card: IntegrationCardView;
  canStore: boolean;
}): JSX.Element {
  const { kind, stored } = card;
  const entered = card.entered ?? {};
  const errors = card.errors ?? {};
  const value = (name: string, fallback: string | undefined) => entered[name] ?? fallback ?? '';
  const id = (name: string) => `${kind.provider}-${name}`;
  // The saved settings failed their last test: a run now only repeats the failure (sync history keeps "Run now").
  const testFailed = card.source === 'page' && stored?.lastTestOk === false;
  return (
    <Card title={kind.label} class="u-mb-3" id={`integration-${kind.provider}`}>
      <p class="u-mb-2">
        <StatusBadge status={card.source === 'none' ? 'inactive' : 'success'}>{SOURCE_TEXT[card.source]}</StatusBadge>
        {card.source === 'configuration' && card.configEndpoint !== null && (
          <span class="u-text-sm u-text-secondary"> ({card.configEndpoint}; saving here takes over from it)</span>
        )}
        {card.source === 'page' && card.configEndpoint !== null && (
          <span class="u-text-sm u-text-secondary">
            {' '}
            (the configuration's {card.configEndpoint} applies again if these are removed)
          </span>
        )}
      </p>
      {card.problem !== undefined && (
        <Alert variant="error" class="u-mb-2">
          {card.problem}
        </Alert>
      )}
      {stored?.lastTestAt != null && (
        <Alert
          variant={stored.lastTestOk === true ? 'success' : 'error'}
          title={`Connection test, ${when(stored.lastTestAt)}`}
          class="u-mb-2"
        >
          {stored.lastTestMessage ?? ''}
        </Alert>
      )}
      <form method="post" action={ctx.urlFor(`/admin/integrations/${kind.provider}`)} autocomplete="off">
        <TextField
          name="baseUrl"
          id={id('baseUrl')}
          label={kind.urlLabel}
          type="url"
          required
          value={value('baseUrl', stored?.baseUrl)}
          placeholder={kind.urlExample}
          error={errors.baseUrl}
          disabled={!canStore}
        />
        {kind.settings.map((field) => (
          <TextField
            name={field.name}
            id={id(field.name)}
            label={field.label}
            required
            value={value(field.name, stored?.settings[field.name])}
            hint={field.hint}
            error={errors[field.name]}
            disabled={!canStore}
          />
        ))}
        {kind.secrets.map((field) => (
          <TextField
            name={field.name}
            id={id(field.name)}
            label={field.label}
            type="password"
            autocomplete="new-password"
            required={stored === undefined}
            placeholder={stored === undefined ? '' : 'stored (encrypted); leave empty to keep'}
            hint={
              stored === undefined
                ? field.hint
                : `Stored encrypted ${when(stored.updatedAt)}${stored.updatedBy === null ? '' : ` by ${stored.updatedBy}`}; never shown. Enter a new value to replace it.`
            }
            error={errors[field.name]}
            disabled={!canStore}
          />
        ))}
        {card.jobs.map((row) => {
          const current = value(`schedule_${row.job}`, String(stored?.schedule[row.job] ?? row.everyMs));
          // An interval from the configuration that is not a listed choice stays selectable, so saving does not change it.
          const extra =
            SCHEDULE_CHOICES.some((choice) => String(choice.ms) === current) || !/^\d+$/.test(current)
              ? []
              : [{ value: current, label: `${scheduleLabel(Number(current))} (current)` }];
          return (
            <SelectField
              name={`schedule_${row.job}`}
              id={id(`schedule-${row.job}`)}
              label={`Schedule: ${JOB_LABEL[row.job]}`}
              options={[
                ...SCHEDULE_CHOICES.map((choice) => ({ value: String(choice.ms), label: choice.label })),
                ...extra,
              ]}
              value={current}
              error={errors[`schedule_${row.job}`]}
              disabled={!canStore}
            />
          );
        })}
        <div class="btn-group u-mt-2">
          <Button type="submit" name="action" value="test" disabled={!canStore}>
            Save and test connection
          </Button>
          <Button type="submit" name="action" value="save" variant="secondary" disabled={!canStore}>
            Save
          </Button>
        </div>
      </form>
      {card.jobs.some((row) => row.configured) && (
        <div class="u-mt-3">
          <h3 class="u-text-sm">Sync</h3>
          <ul>
            {card.jobs.map((row) => (
              <li class="u-mb-1">
                {JOB_LABEL[row.job]}: {scheduleLabel(row.everyMs)}; last run{' '}
                {row.last === undefined ? (
                  'never'
                ) : (
                  <a href={ctx.urlFor(`/admin/runs/${row.last.id}`)}>
                    <StatusBadge status={row.last.status}>{row.last.status}</StatusBadge> {when(row.last.startedAt)}
                  </a>
                )}
                {row.configured &&
                  (testFailed ? (
                    <span class="u-text-sm u-text-secondary u-ml-2">
                      (run it once the connection test passes: it would fail the same way now)
                    </span>
                  ) : (
                    <form method="post" action={ctx.urlFor(`/admin/sync/${row.job}`)} class="u-inline-block u-ml-2">
                      <Button type="submit" small aria-label={`Run ${JOB_LABEL[row.job]} now`}>
                        {row.last === undefined ? 'Run the first sync' : 'Run now'}
                      </Button>
                    </form>
                  ))}
              </li>
            ))}
          </ul>
        </div>
      )}
      {stored !== undefined && (
        <form method="post" action={ctx.urlFor(`/admin/integrations/${kind.provider}/remove`)} class="u-mt-2">
          <Button type="submit" small variant="danger">
            Remove saved settings
          </Button>
        </form>
      )}
    </Card>
  );
}

/** `/admin/integrations`. */
export function IntegrationsPage(view: IntegrationsView): JSX.Element {
  const { ctx } = view;
  return (
    <CodexPage title="Integrations" ctx={ctx} flash={view.flash}>
      <PageHeader
        title="Integrations"
        description="Connect your PSA and RMM. Credentials are stored encrypted and never shown again; settings saved here are used from the next run, without a restart, and win over the service configuration."
        actions={
          <Button variant="secondary" href={ctx.urlFor('/admin')}>
            Sync history
          </Button>
        }
      />
      {!view.canStore && (
        <Alert variant="warning" class="u-mb-3">
          No key can seal credentials here: set CODEX_SECRET_KEY (or let helm give codex its service secret).
          Integrations from the service configuration keep working.
        </Alert>
      )}
      {view.cards.map((card) => (
        <IntegrationCard ctx={ctx} card={card} canStore={view.canStore} />
      ))}
    </CodexPage>
  );
}
