/** The users pages: the list with search and paging, the create form, and one user's edit page. */
import type { JSX } from 'preact';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Page,
  PageHeader,
  Pagination,
  Table,
  TextField,
} from '@hivematrix/sdk/html';
import type { IdentityGroup, UserRow } from '../identity/index.js';
import type { UrlFor } from './services.js';

/** What a finished action says on the page it returns to (`?done=`). */
export const USER_FLASH = {
  created: 'User created.',
  updated: 'User saved.',
  disabled: 'User disabled; their identity sessions were ended.',
  enabled: 'User enabled.',
  password: 'Password set.',
  group_added: 'Added to the group; their next page load signs them in again at the new level.',
  group_removed: 'Removed from the group; their next page load signs them in again at the new level.',
  logged_out: 'Every session of the user was ended.',
  unlocked: 'The lockout was ended: the user can sign in again.',
} as const;
export type UserFlash = keyof typeof USER_FLASH;

/** A success or an error message above a page's content. */
export interface Notice {
  done?: UserFlash | undefined;
  error?: string | undefined;
  /** What core said when asked to end the user's platform sessions: a count, or `failed`. */
  sessions?: string | undefined;
}

function SessionsNotice({ sessions }: { sessions: string }): JSX.Element {
  if (sessions === 'failed') {
    return (
      <Alert variant="warning" title="Platform sessions not confirmed ended">
        Core could not be asked to end this user's platform sessions (the audit trail has the reason). Identity also
        tells core, and every session is checked again at its next token refresh, within the hour.
      </Alert>
    );
  }
  return (
    <Alert variant="info">{`Core ended ${sessions} platform session(s) of the user; they are refused everywhere within a second.`}</Alert>
  );
}

function Notices({ done, error, sessions }: Notice): JSX.Element {
  return (
    <>
      {done === undefined ? null : <Alert variant="success">{USER_FLASH[done]}</Alert>}
      {sessions === undefined ? null : <SessionsNotice sessions={sessions} />}
      {error === undefined ? null : (
        <Alert variant="error" title="The identity provider refused">
          {error}
        </Alert>
      )}
    </>
  );
}

function fullName(user: { firstName?: string | undefined; lastName?: string | undefined }): string {
  return [user.firstName, user.lastName].filter((part) => part !== undefined && part !== '').join(' ');
}

function StateBadge({ enabled }: { enabled: boolean | undefined }): JSX.Element {
  return enabled === false ? <Badge variant="danger">disabled</Badge> : <Badge variant="success">enabled</Badge>;
}

/** The list. */
export function UsersPage(props: {
  users: readonly UserRow[];
  total: number;
  q: string;
  page: number;
  perPage: number;
  notice: Notice;
  urlFor: UrlFor;
}): JSX.Element {
  const { users, total, q, page, perPage, urlFor } = props;
  return (
    <Page title="Users" service="helm">
      <PageHeader
        title="Users"
        description="The identity provider's users and their groups (admins, technicians, billing; anyone else is a client)."
        actions={<Button href={urlFor('/users/new')}>New user</Button>}
      />
      <Notices {...props.notice} />
      <Card title="Search">
        <form method="get" action={urlFor('/users')} role="search" class="u-flex u-gap-sm">
          <TextField name="q" type="search" label="Username, e-mail or name" value={q} maxLength={100} />
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </form>
      </Card>
      <Card title="Users">
        <Table
          label="Users"
          empty={
            q === ''
              ? 'No users yet: add the first one with New user, with a temporary password they change at first sign-in.'
              : 'No user matches: try part of the username, e-mail or name.'
          }
          columns={[
            { key: 'username', label: 'Username' },
            { key: 'email', label: 'E-mail' },
            { key: 'name', label: 'Name' },
            { key: 'state', label: 'State' },
            { key: 'groups', label: 'Groups' },
          ]}
          rows={users.map((user) => ({
            username: <a href={urlFor(`/users/${user.id}`)}>{user.username}</a>,
            email: user.email ?? '',
            name: fullName(user),
            state: (
              <>
                {user.lockout?.locked === true ? (
                  <>
                    <Badge variant="warning">locked out</Badge>{' '}
                  </>
                ) : null}
                <StateBadge enabled={user.enabled} />
              </>
            ),
            groups: user.groups.join(', '),
          }))}
        />
        <Pagination
          page={page}
          perPage={perPage}
          total={total}
          hrefFor={(target) => urlFor('/users', { ...(q === '' ? {} : { q }), page: String(target) })}
          label="Users pages"
        />
      </Card>
    </Page>
  );
}

/** The values of the create form (kept when the provider refuses, but never the password). */
export interface NewUserValues {
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  temporary: boolean;
  groups: string[];
}

export const EMPTY_NEW_USER: NewUserValues = {
  username: '',
  email: '',
  first_name: '',
  last_name: '',
  temporary: true,
  groups: [],
};

/** The create form. */
export function NewUserPage(props: {
  groups: readonly IdentityGroup[];
  values: NewUserValues;
  error?: string | undefined;
  urlFor: UrlFor;
}): JSX.Element {
  const { groups, values, urlFor } = props;
  return (
    <Page title="New user" service="helm">
      <PageHeader
        title="New user"
        actions={
          <Button href={urlFor('/users')} variant="secondary">
            All users
          </Button>
        }
      />
      <Notices error={props.error} />
      <Card title="Account">
        <form method="post" action={urlFor('/users')}>
          <TextField
            name="username"
            label="Username"
            required
            maxLength={255}
            autocomplete="off"
            value={values.username}
          />
          <TextField name="email" type="email" label="E-mail" maxLength={255} value={values.email} />
          <TextField name="first_name" label="First name" maxLength={255} value={values.first_name} />
          <TextField name="last_name" label="Last name" maxLength={255} value={values.last_name} />
          <TextField
            name="password"
            type="password"
            label="Password"
            required
            autocomplete="new-password"
            maxLength={1024}
            hint="The identity provider's password rules apply."
          />
          <Checkbox name="temporary" label="Temporary: to be changed at first login" checked={values.temporary} />
          <fieldset>
            <legend>Groups</legend>
            {groups.length === 0 ? <p class="u-text-muted">The realm has no groups.</p> : null}
            {groups.map((group) => (
              <Checkbox
                name="groups"
                id={`group-${group.id}`}
                value={group.name}
                label={group.name}
                checked={values.groups.includes(group.name)}
              />
            ))}
          </fieldset>
          <Button type="submit">Create user</Button>
        </form>
      </Card>
    </Page>
  );
}

/** One user: details, state, groups, password and sessions. */
export function UserEditPage(props: {
  user: UserRow;
  groups: readonly IdentityGroup[];
  notice: Notice;
  urlFor: UrlFor;
}): JSX.Element {
  const { user, groups, urlFor } = props;
  const base = `/users/${user.id}`;
  const others = groups.filter((group) => !user.groups.includes(group.name));
  return (
    <Page title={`User ${user.username}`} service="helm">
      <PageHeader
        title={user.username}
        description={fullName(user) === '' ? undefined : fullName(user)}
        actions={
          <Button href={urlFor('/users')} variant="secondary">
            All users
          </Button>
        }
      />
      <Notices {...props.notice} />
      <Card title="Details" actions={<StateBadge enabled={user.enabled} />}>
        <form method="post" action={urlFor(base)}>
          <TextField
            name="username"
            label="Username"
            readOnly
            value={user.username}
            hint="Usernames cannot be changed."
          />
          <TextField name="email" type="email" label="E-mail" maxLength={255} value={user.email ?? ''} />
          <TextField name="first_name" label="First name" maxLength={255} value={user.firstName ?? ''} />
          <TextField name="last_name" label="Last name" maxLength={255} value={user.lastName ?? ''} />
          <Button type="submit">Save</Button>
        </form>
      </Card>
      <Card title="State and sessions">
        {user.lockout?.locked === true ? (
          <Alert variant="warning" title="Locked out">
            {`Too many failed sign-ins: the user cannot sign in${user.lockout.until === null ? ' for a while' : ` until ${user.lockout.until}`}.`}
            <form method="post" action={urlFor(`${base}/unlock`)} class="u-inline">
              {' '}
              <Button type="submit" small variant="warning">
                Unlock
              </Button>
            </form>
          </Alert>
        ) : null}
        <span class="u-flex u-gap-sm">
          <form
            method="post"
            action={urlFor(`${base}/${user.enabled === false ? 'enable' : 'disable'}`)}
            class="u-inline"
          >
            <Button type="submit" variant={user.enabled === false ? 'success' : 'danger'}>
              {user.enabled === false ? 'Enable' : 'Disable'}
            </Button>
          </form>
          <form method="post" action={urlFor(`${base}/logout`)} class="u-inline">
            <Button type="submit" variant="secondary">
              End sessions
            </Button>
          </form>
        </span>
      </Card>
      <Card title="Groups">
        <Table
          label="Groups of the user"
          empty="No groups: the user is a client."
          columns={[
            { key: 'group', label: 'Group' },
            { key: 'action', label: 'Action' },
          ]}
          rows={user.groups.map((group) => ({
            group,
            action: (
              <form method="post" action={urlFor(`${base}/groups`)} class="u-inline">
                <input type="hidden" name="group" value={group} />
                <input type="hidden" name="op" value="remove" />
                <Button type="submit" small variant="secondary" aria-label={`Remove from ${group}`}>
                  Remove
                </Button>
              </form>
            ),
          }))}
        />
        {others.length === 0 ? null : (
          <form method="post" action={urlFor(`${base}/groups`)} class="u-flex u-gap-sm">
            <input type="hidden" name="op" value="add" />
            <label for="field-add-group">Add to group</label>
            <select id="field-add-group" name="group" class="form-group__select">
              {others.map((group) => (
                <option value={group.name}>{group.name}</option>
              ))}
            </select>
            <Button type="submit" variant="secondary">
              Add
            </Button>
          </form>
        )}
      </Card>
      <Card title="Reset password">
        <form method="post" action={urlFor(`${base}/password`)}>
          <TextField
            name="password"
            type="password"
            label="New password"
            required
            autocomplete="new-password"
            maxLength={1024}
          />
          <Checkbox name="temporary" label="Temporary: to be changed at next login" checked />
          <Button type="submit">Set password</Button>
        </form>
      </Card>
    </Page>
  );
}
