/**
 * The gateway's own error pages (404, 502 "service unavailable", 504 …): a complete, unstyled
 * document using the design-system classes, meant to go through `composePage` like any page.
 * Everything shown comes through JSX, so a hostile service name or message is escaped.
 */
import { Button, Page, renderDocument } from '@hivematrix/sdk/html';

export interface ErrorPageOptions {
  /** The HTTP status; anything outside 400–599 is shown as 500. */
  status: number;
  title: string;
  message: string;
  /** The service the request was for, when there is one (e.g. the one that is down). */
  service?: string;
}

/** A complete HTML document describing an error, with a way back home. */
export function renderErrorPage({ status, title, message, service }: ErrorPageOptions): string {
  const code = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
  return renderDocument(
    <Page title={title} service="nexus" description={message}>
      <div class="error-page">
        <section class="error-page__card" aria-labelledby="error-page-title">
          <p class={code >= 500 ? 'error-page__status error-page__status--server' : 'error-page__status'}>
            Error {code}
          </p>
          <h1 class="error-page__title" id="error-page-title">
            {title}
          </h1>
          <p class="error-page__message">{message}</p>
          {service !== undefined && service !== '' && (
            <p class="error-page__service">
              Service: <code>{service}</code>
            </p>
          )}
          <div class="error-page__actions">
            <Button href="/" variant="primary">
              Go to the home page
            </Button>
          </div>
        </section>
      </div>
    </Page>,
  );
}
