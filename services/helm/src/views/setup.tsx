/**
 * The setup checklist page: the admin's first steps, each with what it does, how to do it here or
 * where, and "Skip" / "Mark done" / "Reopen" buttons (plain form posts, so it works without script).
 */
import type { ComponentChildren, JSX } from 'preact';
import { Alert, Badge, Button, Card, Page, PageHeader } from '@hivematrix/sdk/html';
import type { SetupStep, StepStatus } from '../setup/index.js';
import type { UrlFor } from './services.js';

export interface SetupPageProps {
  steps: readonly StepStatus[];
  publicUrl: string;
  passwordFile: string;
  /** Whether the gateway runs on the certificate helm generated (no certificate file configured). */
  generatedCertificate: boolean;
  /** `system.environment`: development mode is said on the hostname step, and offers the demo data. */
  environment?: 'development' | 'production';
  notice?: { done?: string; error?: string };
  urlFor: UrlFor;
}

const TITLES: Record<SetupStep, string> = {
  password: '1. Change the generated admin password',
  hostname: '2. Set the hostname and certificate',
  integrations: '3. Connect your PSA and RMM',
  users: '4. Create the first users',
};

function StateBadge({ state }: { state: StepStatus['state'] }): JSX.Element {
  if (state === 'done') return <Badge variant="success">done</Badge>;
  if (state === 'skipped') return <Badge variant="warning">skipped</Badge>;
  return <Badge variant="info">to do</Badge>;
}

function Marks({ step, urlFor }: { step: StepStatus; urlFor: UrlFor }): JSX.Element {
  const action = urlFor(`/setup/${step.step}/mark`);
  const button = (state: 'open' | 'done' | 'skipped', label: string, variant: 'secondary' | 'ghost') => (
    <form method="post" action={action} class="form-inline__controls">
      <input type="hidden" name="state" value={state} />
      <Button type="submit" variant={variant} small data-step={step.step} data-mark={state}>
        {label}
      </Button>
    </form>
  );
  if (step.state !== 'open') return button('open', 'Reopen', 'ghost');
  return (
    <span class="u-flex u-gap-sm">
      {step.step === 'password'
        ? null
        : button('done', step.step === 'hostname' ? 'Keep these' : 'Mark done', 'secondary')}
      {button('skipped', 'Skip for now', 'ghost')}
    </span>
  );
}

/** The checklist page. */
export function SetupPage({
  steps,
  publicUrl,
  passwordFile,
  generatedCertificate,
  environment = 'production',
  notice,
  urlFor,
}: SetupPageProps): JSX.Element {
  const body: Record<SetupStep, (step: StepStatus) => ComponentChildren> = {
    password: (step) =>
      step.state === 'done' ? (
        <p>The generated password file is gone: the admin account's password is your own.</p>
      ) : (
        <>
          <p>
            The first start gave the <code>admin</code> account a random password, written to{' '}
            <code>{passwordFile}</code>. Choose your own: it is set through the identity provider, then that file is
            deleted (the security audit stops reporting it). The account's sessions end with the old password: you sign
            in again with the new one.
          </p>
          <form method="post" action={urlFor('/setup/password')} class="form-inline" id="setup-password-form">
            <label class="filter-group">
              <span class="form-group__label">New password</span>
              <input
                class="form-group__input"
                type="password"
                name="password"
                autocomplete="new-password"
                minLength={12}
                maxLength={1024}
                required
              />
            </label>
            <label class="filter-group">
              <span class="form-group__label">Again</span>
              <input
                class="form-group__input"
                type="password"
                name="confirm"
                autocomplete="new-password"
                minLength={12}
                maxLength={1024}
                required
              />
            </label>
            <Button type="submit">Change the password</Button>
          </form>
        </>
      ),
    hostname: () => (
      <>
        <p>
          The platform answers at <code>{publicUrl}</code>. To serve it under your own name, set <em>Hostname</em> (and,
          behind a proxy, <em>Public URL</em>) in <a href={urlFor('/settings')}>Settings</a>; helm regenerates every
          service's configuration.
        </p>
        <p>
          {generatedCertificate
            ? 'The gateway uses a self-signed certificate generated on the first start: traffic is encrypted, but browsers warn until they trust it. Keep it for a trial or a private network; for users on the internet, set a certificate file from your CA in Settings.'
            : 'The gateway uses the certificate file set in Settings.'}
        </p>
        {environment === 'development' ? (
          <p id="setup-environment">
            The platform runs in <strong>development</strong> mode (<em>Environment</em> in{' '}
            <a href={urlFor('/settings')}>Settings</a>): fine for trying it out, and the home page offers demo data; the
            security audit reports it. Switch to production before others use it.
          </p>
        ) : null}
      </>
    ),
    integrations: () => (
      <p>
        Codex pulls companies, contacts, assets and tickets from Freshservice, SuperOps or Datto. Enter the vendor's
        address and key in <a href="/codex/admin/integrations">codex's integrations page</a>, press{' '}
        <em>Save and test connection</em>, then run the first sync and watch its progress. No restart is needed.
        {environment === 'development' ? (
          <>
            {' '}
            To look around without a vendor first, load the demo data from the <a href="/">home page</a>.
          </>
        ) : null}
      </p>
    ),
    users: () => (
      <p>
        Give technicians, billing staff and other admins their own accounts (and groups) in{' '}
        <a href={urlFor('/users')}>Users</a> rather than sharing <code>admin</code>.
      </p>
    ),
  };
  return (
    <Page title="Setup" service="helm">
      <PageHeader
        title="Set up HiveMatrix"
        description="The first steps of a new platform. Each can be skipped and reopened here later."
      />
      {notice?.error === undefined ? null : (
        <Alert variant="error" title="Not done">
          {notice.error}
        </Alert>
      )}
      {notice?.done === undefined ? null : (
        <Alert variant="success">
          {notice.done === 'password'
            ? 'The password is changed and the generated password file is deleted.'
            : 'Saved.'}
        </Alert>
      )}
      {steps.map((step) => (
        <Card
          id={`setup-${step.step}`}
          title={
            <>
              {TITLES[step.step]} <StateBadge state={step.state} />
            </>
          }
          actions={<Marks step={step} urlFor={urlFor} />}
        >
          {body[step.step](step)}
        </Card>
      ))}
    </Page>
  );
}
