/** The page a user with a temporary password meets after signing in: choose a new password. */
import { Alert, Button, Card, Page, PageHeader, TextField } from '@hivematrix/sdk/html';
import { PASSWORD_MIN_LENGTH } from '../domain/index.js';

export interface PasswordChangePageProps {
  action: string;
  username: string;
  error?: string | undefined;
}

export function PasswordChangePage({ action, username, error }: PasswordChangePageProps) {
  return (
    <Page title="Choose a new password" service="identity">
      <PageHeader
        title="Choose a new password"
        description={`Signed in as ${username}. Your password was temporary.`}
      />
      <Card>
        {error !== undefined && <Alert variant="error">{error}</Alert>}
        <form method="post" action={action}>
          <TextField
            name="new_password"
            type="password"
            label="New password"
            autocomplete="new-password"
            minLength={PASSWORD_MIN_LENGTH}
            hint={`At least ${PASSWORD_MIN_LENGTH} characters, different from the temporary one.`}
            required
          />
          <TextField
            name="confirm_password"
            type="password"
            label="Repeat the new password"
            autocomplete="new-password"
            required
          />
          <Button type="submit" variant="primary">
            Save and continue
          </Button>
        </form>
      </Card>
    </Page>
  );
}
