/** The admin's list of wall-screen display links: create, see when and from where each was last used, revoke. */
import type { JSX } from 'preact';
import {
  Alert,
  Button,
  Card,
  DateTime,
  EmptyState,
  Page,
  PageHeader,
  SelectField,
  TextField,
} from '@hivematrix/sdk/html';
import type { DisplayLink } from '../db/index.js';
import { BOARD_COLUMNS, DEFAULT_DISPLAY_FIELDS } from '../domain/index.js';
import { COLUMN_LABELS } from './board.js';

export interface LinksPageProps {
  links: DisplayLink[];
  views: { slug: string; name: string }[];
  now: Date;
  created?: { name: string; url: string };
  error?: string;
  action: string;
  revokeAction: (id: number) => string;
}

function state(link: DisplayLink, now: Date): JSX.Element | string {
  if (link.revokedAt !== null)
    return (
      <>
        Revoked <DateTime value={link.revokedAt} /> by {link.revokedBy ?? '?'}
      </>
    );
  if (link.expiresAt <= now) return 'Expired';
  return 'Active';
}

export function LinksPage(props: LinksPageProps): JSX.Element {
  return (
    <Page title="Display links" service="beacon">
      <PageHeader
        title="Wall-screen display links"
        description="A link opens one view on a screen that cannot sign in. Only admins create and revoke them; a revoked link blanks its screens within seconds."
      />
      {props.created !== undefined && (
        <Alert variant="success" title={`Link "${props.created.name}" created`}>
          <p>Copy it now: it is shown only once.</p>
          <p class="u-text-mono" id="created-link">
            {props.created.url}
          </p>
        </Alert>
      )}
      {props.error !== undefined && (
        <Alert variant="error" title="Not created">
          {props.error}
        </Alert>
      )}
      <Card title="New link">
        <form method="post" action={props.action}>
          <TextField name="name" label="Name (where the screen is)" required />
          <SelectField
            name="view"
            label="View"
            options={props.views.map((view) => ({ value: view.slug, label: view.name }))}
          />
          <TextField name="agent" label="Agent (PSA id, optional)" />
          <TextField name="company" label="Company account number (optional)" />
          <SelectField
            name="priority"
            label="Priority"
            placeholder="All priorities"
            options={['urgent', 'high', 'medium', 'low'].map((p) => ({ value: p, label: p }))}
          />
          <TextField name="expires_in_days" label="Expires in (days)" value="30" />
          <fieldset class="form-group">
            <legend class="form-group__label">Fields shown</legend>
            {BOARD_COLUMNS.map((column) => (
              <label class="form-group__checkbox-label u-mr-auto">
                <input type="checkbox" name="fields" value={column} checked={DEFAULT_DISPLAY_FIELDS.includes(column)} />{' '}
                {COLUMN_LABELS[column]}
              </label>
            ))}
          </fieldset>
          <Button type="submit" variant="primary">
            Create link
          </Button>
        </form>
      </Card>
      <Card title="Links">
        {props.links.length === 0 ? (
          <EmptyState
            headingLevel={3}
            compact
            title="No display links yet"
            message="Create one above for each wall screen: pick the view and the fields it shows, then open the link once on the screen's browser."
          />
        ) : (
          <div class="table-wrapper">
            <table class="data-table" aria-label="Display links">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">View</th>
                  <th scope="col">Fields</th>
                  <th scope="col">Expires</th>
                  <th scope="col">State</th>
                  <th scope="col">Last used</th>
                  <th scope="col">From</th>
                  <th scope="col">Created by</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {props.links.map((link) => (
                  <tr>
                    <td>{link.name}</td>
                    <td>
                      {link.viewSlug}
                      {link.agent !== null ? `, agent ${link.agent}` : ''}
                      {link.company !== null ? `, company ${link.company}` : ''}
                      {link.priority !== null ? `, ${link.priority}` : ''}
                    </td>
                    <td class="u-text-sm">{link.fields.join(', ')}</td>
                    <td>
                      <DateTime value={link.expiresAt} />
                    </td>
                    <td>{state(link, props.now)}</td>
                    <td>
                      <DateTime value={link.lastUsedAt} empty="never" />
                    </td>
                    <td>{link.lastUsedFrom ?? ''}</td>
                    <td>{link.createdBy}</td>
                    <td>
                      {link.revokedAt === null && (
                        <form method="post" action={props.revokeAction(link.id)}>
                          <Button type="submit" variant="danger" small aria-label={`Revoke ${link.name}`}>
                            Revoke
                          </Button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </Page>
  );
}
