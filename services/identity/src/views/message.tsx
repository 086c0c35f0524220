/** A page with one message: signed out, an expired sign-in, a protocol error. */
import { Alert, Button, Card, Page, PageHeader } from '@hivematrix/sdk/html';

export interface MessagePageProps {
  title: string;
  message: string;
  variant: 'success' | 'error' | 'warning' | 'info';
  /** Details such as an OAuth error code, shown under the message. */
  detail?: string | undefined;
  link?: { href: string; label: string } | undefined;
}

export function MessagePage({ title, message, variant, detail, link }: MessagePageProps) {
  return (
    <Page title={title} service="identity">
      <PageHeader title={title} />
      <Card>
        <Alert variant={variant}>{message}</Alert>
        {detail !== undefined && <p class="u-text-muted u-text-sm">{detail}</p>}
        {link !== undefined && (
          <Button href={link.href} variant="primary">
            {link.label}
          </Button>
        )}
      </Card>
    </Page>
  );
}
