/**
 * The RP-initiated logout page. With `automatic` (the gateway's own logout, proven by its
 * id_token_hint) the form is submitted by a same-origin script at once, and the button stays for
 * browsers without it; otherwise the user confirms.
 */
import { Button, Card, Page, PageHeader } from '@hivematrix/sdk/html';

export interface LogoutPageProps {
  /** The provider's end_session_confirm URL. */
  action: string;
  /** The provider's anti-forgery value for this logout. */
  xsrf: string;
  automatic: boolean;
  /** The auto-submit script's URL (same origin, allowed by the CSP). */
  scriptSrc: string;
}

export function LogoutPage({ action, xsrf, automatic, scriptSrc }: LogoutPageProps) {
  return (
    <Page title="Sign out" service="identity" scripts={automatic ? <script src={scriptSrc} /> : undefined}>
      <PageHeader title={automatic ? 'Signing you out…' : 'Sign out of HiveMatrix?'} />
      <Card>
        <form method="post" action={action} data-auto-submit={automatic ? 'true' : undefined}>
          <input type="hidden" name="xsrf" value={xsrf} />
          {automatic && <input type="hidden" name="logout" value="yes" />}
          <div class="btn-group">
            {automatic ? (
              <Button type="submit" variant="primary">
                Continue
              </Button>
            ) : (
              <>
                <Button type="submit" variant="primary" name="logout" value="yes">
                  Yes, sign me out
                </Button>
                <Button type="submit" variant="secondary">
                  No, stay signed in
                </Button>
              </>
            )}
          </div>
        </form>
      </Card>
    </Page>
  );
}
