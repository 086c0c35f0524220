/**
 * The pages the provider itself renders (logout confirmation, signed out, protocol errors),
 * written with the design system's components instead of oidc-provider's inline-styled defaults:
 * no CSS of their own, every value escaped by JSX.
 */
import { renderDocument } from '@hivematrix/sdk/html';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { LogoutPage } from '../views/logout.js';
import { MessagePage } from '../views/message.js';

export interface ProviderPagesOptions {
  /** Clients whose logout needs no confirmation when they prove it with an id_token_hint. */
  autoLogoutClients: ReadonlySet<string>;
  /** The same-origin auto-submit script. */
  scriptSrc: string;
  /** Where a person can start again (the gateway's root). */
  homeUrl: string;
}

export interface ProviderPages {
  logoutSource: (ctx: KoaContextWithOIDC, form: string) => Promise<void>;
  postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => Promise<void>;
  renderError: (ctx: KoaContextWithOIDC, out: Record<string, string | undefined>, error: Error) => Promise<void>;
}

/** The provider's page callbacks (`features.rpInitiatedLogout.*Source`, `renderError`). */
export function providerPages(options: ProviderPagesOptions): ProviderPages {
  const home = { href: options.homeUrl, label: 'Go to HiveMatrix' };
  return {
    // `form` is the provider's own markup; the same two values are read from the context instead,
    // so the page is built from escaped values only.
    async logoutSource(ctx) {
      const { oidc } = ctx;
      const clientId = oidc.client?.clientId;
      const automatic =
        oidc.entities.IdTokenHint !== undefined && clientId !== undefined && options.autoLogoutClients.has(clientId);
      ctx.type = 'html';
      ctx.body = renderDocument(
        <LogoutPage
          action={oidc.urlFor('end_session_confirm')}
          xsrf={oidc.session.state?.secret ?? ''}
          automatic={automatic}
          scriptSrc={options.scriptSrc}
        />,
      );
    },
    async postLogoutSuccessSource(ctx) {
      ctx.type = 'html';
      ctx.body = renderDocument(
        <MessagePage title="Signed out" message="You are signed out of HiveMatrix." variant="success" link={home} />,
      );
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      const detail = [out.error, out.error_description].filter((part) => part !== undefined && part !== '').join(': ');
      ctx.body = renderDocument(
        <MessagePage
          title="Sign-in problem"
          message="This sign-in request could not be processed. Go back to HiveMatrix and try again."
          variant="error"
          detail={detail === '' ? undefined : detail}
          link={home}
        />,
      );
    },
  };
}
