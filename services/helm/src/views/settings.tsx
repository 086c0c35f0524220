/** The settings page: the editable fields of the master configuration, and the whole of it with secrets masked. */
import type { JSX } from 'preact';
import { Alert, Button, Card, Page, PageHeader, SelectField, TextField } from '@hivematrix/sdk/html';
import { assistantView, hasAssistant, SETTING_SECTIONS, fieldValue, maskSecrets } from '../settings/index.js';
import type { MasterConfig } from '../settings/index.js';
import { AssistantSettings } from './settings-assistant.js';
import type { UrlFor } from './services.js';

const YES_NO = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

/** What the page says above the form. */
export interface SettingsNotice {
  done?: 'saved' | 'restarted' | undefined;
  changed?: number | undefined;
  /** Services running on the previous configuration. */
  restart?: readonly string[];
  restarted?: readonly string[];
  failed?: readonly string[];
  error?: string | undefined;
}

function RestartPrompt({ services, urlFor }: { services: readonly string[]; urlFor: UrlFor }): JSX.Element {
  // Helm cannot restart itself from its own page: the platform is restarted from the CLI.
  const restartable = services.filter((name) => name !== 'helm');
  return (
    <Alert variant="warning" title="Restart needed">
      <p>{`These services still run on the previous configuration: ${services.join(', ')}.`}</p>
      {services.includes('helm') ? (
        <p>Helm itself picks its changes up when the platform restarts (hivematrix restart).</p>
      ) : null}
      {restartable.length === 0 ? null : (
        <form method="post" action={urlFor('/settings/restart')}>
          {restartable.map((name) => (
            <input type="hidden" name="services" value={name} />
          ))}
          <Button type="submit" variant="warning">{`Restart ${restartable.join(', ')}`}</Button>
        </form>
      )}
    </Alert>
  );
}

/** The page. `values` overrides the configuration's values (a refused form is shown as typed). */
export function SettingsPage(props: {
  config: MasterConfig;
  values?: Record<string, unknown>;
  fieldErrors?: Record<string, string>;
  notice: SettingsNotice;
  urlFor: UrlFor;
}): JSX.Element {
  const { config, notice, urlFor } = props;
  const shown = (name: string, fallback: string): string => {
    const typed = props.values?.[name];
    return typeof typed === 'string' ? typed : fallback;
  };
  return (
    <Page title="Settings" service="helm">
      <PageHeader
        title="Settings"
        description="The master configuration (instance/configs/master_config.json). Saving validates it, regenerates every service's configuration and says which services need a restart."
        actions={
          <Button href={urlFor('/services')} variant="secondary">
            Services
          </Button>
        }
      />
      {notice.done === 'saved' ? (
        <Alert variant="success">{`Saved: ${notice.changed ?? 0} setting${notice.changed === 1 ? '' : 's'} changed; the services' configuration was regenerated.`}</Alert>
      ) : null}
      {notice.done === 'restarted' && (notice.restarted?.length ?? 0) > 0 ? (
        <Alert variant="success">{`Restarted: ${notice.restarted?.join(', ') ?? ''}.`}</Alert>
      ) : null}
      {(notice.failed?.length ?? 0) > 0 ? (
        <Alert
          variant="error"
          title="Not restarted"
        >{`${notice.failed?.join(', ') ?? ''}: see the audit trail.`}</Alert>
      ) : null}
      {notice.error === undefined ? null : (
        <Alert variant="error" title="Not saved">
          {notice.error}
        </Alert>
      )}
      {(notice.restart?.length ?? 0) > 0 ? <RestartPrompt services={notice.restart ?? []} urlFor={urlFor} /> : null}
      <form method="post" action={urlFor('/settings')}>
        {SETTING_SECTIONS.map((section) => (
          <Card title={section.title}>
            {section.fields.map((field) => {
              const value = shown(field.name, fieldValue(config, field));
              const error = props.fieldErrors?.[field.name];
              return field.kind === 'select' || field.kind === 'boolean' ? (
                <SelectField
                  name={field.name}
                  label={field.label}
                  value={value}
                  options={
                    field.kind === 'boolean'
                      ? YES_NO
                      : (field.options ?? []).map((option) => ({ value: option, label: option }))
                  }
                  error={error}
                />
              ) : (
                <TextField
                  name={field.name}
                  label={field.label}
                  type={field.kind === 'number' ? 'number' : 'text'}
                  {...(field.kind === 'number' ? { step: 'any' } : {})}
                  value={value}
                  required={field.optional !== true}
                  maxLength={2048}
                  {...(field.hint === undefined ? {} : { hint: field.hint })}
                  error={error}
                />
              );
            })}
          </Card>
        ))}
        {hasAssistant(config) ? (
          <AssistantSettings current={assistantView(config)} values={props.values} errors={props.fieldErrors} />
        ) : null}
        <Button type="submit">Save settings</Button>
      </form>
      <Card title="Whole configuration (secrets masked)">
        <p>
          Secrets, database credentials and per-app settings are generated by helm; edit the file itself to change them.
        </p>
        <pre>{JSON.stringify(maskSecrets(config), null, 2)}</pre>
      </Card>
    </Page>
  );
}
