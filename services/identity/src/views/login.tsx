/**
 * The sign-in page of the interaction: username and password, one generic error, the username
 * typed kept in the field. All text goes through JSX, so a hostile username comes back escaped.
 */
import { Alert, Button, Card, Page, PageHeader, TextField } from '@hivematrix/sdk/html';

export interface LoginPageProps {
  /** Where the form posts (the interaction's login URL). */
  action: string;
  username?: string | undefined;
  error?: string | undefined;
  /** Informational note, e.g. after a password change was abandoned. */
  notice?: string | undefined;
}

export function LoginPage({ action, username, error, notice }: LoginPageProps) {
  return (
    <Page title="Sign in" service="identity">
      <PageHeader title="Sign in to HiveMatrix" />
      <Card>
        {error !== undefined && <Alert variant="error">{error}</Alert>}
        {notice !== undefined && <Alert variant="info">{notice}</Alert>}
        <form method="post" action={action} autocomplete="on">
          <TextField
            name="username"
            label="Username"
            autocomplete="username"
            maxLength={255}
            required
            value={username}
          />
          <TextField name="password" type="password" label="Password" autocomplete="current-password" required />
          <Button type="submit" variant="primary">
            Sign in
          </Button>
        </form>
      </Card>
    </Page>
  );
}
