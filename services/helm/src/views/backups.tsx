/** The backups page: past backups with size and date, a create form, a restore form. */
import type { JSX } from 'preact';
import {
  Alert,
  Badge,
  Button,
  Card,
  DateTime,
  Page,
  PageHeader,
  SelectField,
  Table,
  TextField,
  formatNumber,
} from '@hivematrix/sdk/html';
import type { BackupListing } from '../backup/index.js';
import type { UrlFor } from './services.js';

function size(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${formatNumber(Math.ceil(bytes / 1024))} KB`
    : `${formatNumber(bytes / 1024 / 1024, { decimals: 1 })} MB`;
}

export function BackupsPage(props: {
  backups: BackupListing[];
  components: string[];
  notice: string | undefined;
  urlFor: UrlFor;
}): JSX.Element {
  const { backups, components, notice, urlFor } = props;
  return (
    <Page title="Backups" service="helm">
      <PageHeader
        title="Backups"
        description="Every service database, the master configuration, secrets and keys, in one archive under instance/backups."
      />
      {notice === undefined ? null : <Alert variant="success">{notice}</Alert>}
      <Card title="Create a backup">
        <form method="post" action={urlFor('/backups')}>
          <TextField
            name="passphrase"
            type="password"
            label="Passphrase (optional)"
            autocomplete="new-password"
            minLength={8}
            hint="Encrypts the archive with age (open it by hand with age -d, then tar -xzf). Without it, anyone holding the file has every secret."
          />
          <Button type="submit">Create backup</Button>
        </form>
      </Card>
      <Card title="Past backups">
        <Table
          label="Backups"
          empty="No backups yet: create one above, or turn on scheduled backups in helm's settings."
          columns={[
            { key: 'name', label: 'File' },
            { key: 'created', label: 'Created' },
            { key: 'size', label: 'Size', align: 'right' },
            { key: 'kind', label: 'Made' },
            { key: 'download', label: '' },
          ]}
          rows={backups.map((backup) => ({
            name: (
              <>
                {backup.name}{' '}
                {backup.encrypted === true ? (
                  <Badge variant="info">encrypted</Badge>
                ) : backup.encrypted === null ? (
                  <Badge variant="danger">unreadable</Badge>
                ) : null}
              </>
            ),
            created: <DateTime value={backup.createdAt} />,
            size: size(backup.size),
            kind: backup.trigger,
            download: (
              <Button href={urlFor(`/backups/${encodeURIComponent(backup.name)}`)} variant="secondary" small>
                Download
              </Button>
            ),
          }))}
        />
      </Card>
      <Card title="Restore one component">
        <p>
          The service is stopped, its database replaced by the backup's, and started again. Restore the whole platform
          with <code>npx hivematrix restore FILE</code> while it is stopped.
        </p>
        {backups.length === 0 ? (
          <p>No backup to restore from: create one above first.</p>
        ) : (
          <form method="post" action={urlFor('/backups/restore')}>
            <SelectField
              name="file"
              label="Backup"
              required
              options={backups.map((backup) => ({
                value: backup.name,
                label: `${backup.name} (${size(backup.size)})`,
              }))}
            />
            <SelectField
              name="component"
              label="Component"
              required
              options={components.map((name) => ({ value: name, label: name }))}
            />
            <TextField
              name="passphrase"
              type="password"
              label="Passphrase (encrypted backups)"
              autocomplete="off"
              hint="Empty: the passphrase file of scheduled backups is tried."
            />
            <input type="hidden" name="confirm" value="yes" />
            <Button type="submit" variant="danger">
              Restore
            </Button>
          </form>
        )}
      </Card>
    </Page>
  );
}
