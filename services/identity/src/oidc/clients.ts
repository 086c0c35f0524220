/**
 * The realm's clients, from configuration only (no dynamic registration): the gateway's
 * confidential client and the admin API's client. Both are first-party, so consent is implicit.
 */
import type { ClientMetadata } from 'oidc-provider';
import { SERVICE_CSP } from '@hivematrix/sdk';

export interface GatewayClientSettings {
  clientId: string;
  secret: string;
  redirectUris: readonly string[];
  postLogoutRedirectUris: readonly string[];
  /** OIDC Back-Channel Logout endpoint, or null for none. */
  backchannelLogoutUri: string | null;
}

export interface AdminClientSettings {
  clientId: string;
  secret: string;
}

/** The gateway: authorization code (+ PKCE, required for all) and refresh tokens; `sid` in its tokens for back-channel logout. */
export function gatewayClient(settings: GatewayClientSettings): ClientMetadata {
  return {
    client_id: settings.clientId,
    client_name: 'HiveMatrix Core Service',
    client_secret: settings.secret,
    redirect_uris: [...settings.redirectUris],
    post_logout_redirect_uris: [...settings.postLogoutRedirectUris],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...(settings.backchannelLogoutUri === null
      ? {}
      : { backchannel_logout_uri: settings.backchannelLogoutUri, backchannel_logout_session_required: true }),
  };
}

/** The admin API's client: client_credentials only, no browser flow. */
export function adminClient(settings: AdminClientSettings): ClientMetadata {
  return {
    client_id: settings.clientId,
    client_name: 'HiveMatrix administration',
    client_secret: settings.secret,
    redirect_uris: [],
    grant_types: ['client_credentials'],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

/**
 * The CSP of identity's pages: the SDK's, except that forms may also post (and redirect after a
 * post, which browsers check against `form-action` too) to the clients' registered origins.
 */
export function pageContentSecurityPolicy(clients: readonly ClientMetadata[]): string {
  const origins = new Set<string>();
  for (const client of clients) {
    for (const uri of [...(client.redirect_uris ?? []), ...(client.post_logout_redirect_uris ?? [])]) {
      if (URL.canParse(uri)) origins.add(new URL(uri).origin);
    }
  }
  const formAction = ["form-action 'self'", ...origins].join(' ');
  return SERVICE_CSP.split('; ')
    .map((directive) => (directive.startsWith('form-action ') ? formAction : directive))
    .join('; ');
}
