/**
 * The gateway as an OpenID Connect relying party (openid-client v6): authorization code flow with
 * state, nonce and PKCE S256 (RFC 7636), the id_token validated by openid-client (signature,
 * iss, aud, exp, nonce: OIDC Core §3.1.3.7), and RP-initiated logout (OIDC RP-Initiated Logout 1.0).
 *
 * Browsers reach the identity provider through the gateway (`https://<host>/keycloak/…`), which is
 * its public issuer; the gateway itself talks to it directly over the internal URL. openid-client's
 * `customFetch` maps the one to the other, so metadata, issuer and token checks all keep the
 * public URLs while the back-channel traffic never loops through the gateway.
 */
import * as client from 'openid-client';

/** Settings of the relying party. */
export interface OidcSettings {
  /** The public issuer, e.g. `https://host/keycloak/realms/hivematrix`. */
  issuer: string;
  /** Where the gateway reaches the provider (`http://127.0.0.1:8080`); replaces the issuer's origin. */
  upstreamUrl: string;
  clientId: string;
  clientSecret: string;
  /** `https://<host>/keycloak-callback`. */
  redirectUri: string;
  /** `https://<host>/`. */
  postLogoutRedirectUri: string;
  fetch?: typeof globalThis.fetch;
  /** Timeout of each back-channel request, in seconds. */
  timeoutSec?: number;
}

/** The identity provider as the gateway uses it. */
export interface OidcClient {
  /** Where to send the browser to log in. */
  authorizationUrl(params: { state: string; nonce: string; codeChallenge: string }): Promise<URL>;
  /** Redeems the code of a callback URL; validates state, PKCE and the id_token (nonce included). */
  redeem(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<RedeemedTokens>;
  /** The end-session URL (null when the provider has none). */
  endSessionUrl(idTokenHint: string | undefined): Promise<URL | null>;
  /** The provider's JWKS URL, as reached from the gateway (for logout tokens). */
  jwksUrl(): Promise<URL>;
  /** The id_token signing algorithms the provider announces. */
  signingAlgorithms(): Promise<string[]>;
  /** Maps a public provider URL to the internal one (identity for any other URL). */
  toUpstream(url: string): string;
}

/** Tokens of a successful login. */
export interface RedeemedTokens {
  accessToken: string;
  idToken: string;
  /** The validated id_token claims. */
  claims: { sub: string; sid?: string | undefined };
}

/** Creates the relying party; discovery runs on first use and is retried after a failure. */
export function createOidcClient(settings: OidcSettings): OidcClient {
  const publicOrigin = new URL(settings.issuer).origin;
  const upstream = settings.upstreamUrl.replace(/\/+$/, '');
  const fetchImpl = settings.fetch ?? globalThis.fetch;

  function toUpstream(url: string): string {
    return url.startsWith(`${publicOrigin}/`) ? upstream + url.slice(publicOrigin.length) : url;
  }

  const customFetch: client.CustomFetch = (url, options) => fetchImpl(toUpstream(url), options as RequestInit);

  let pending: Promise<client.Configuration> | undefined;
  function config(): Promise<client.Configuration> {
    pending ??= client
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        { redirect_uris: [settings.redirectUri] },
        client.ClientSecretBasic(settings.clientSecret),
        {
          [client.customFetch]: customFetch,
          timeout: settings.timeoutSec ?? 5,
        },
      )
      .catch((error: unknown) => {
        pending = undefined; // the provider may simply not be up yet
        throw error;
      });
    return pending;
  }

  return {
    async authorizationUrl({ state, nonce, codeChallenge }) {
      return client.buildAuthorizationUrl(await config(), {
        redirect_uri: settings.redirectUri,
        scope: 'openid email profile',
        state,
        nonce,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      });
    },
    async redeem(callbackUrl, checks) {
      const tokens = await client.authorizationCodeGrant(await config(), callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (claims === undefined || tokens.id_token === undefined) throw new Error('the provider returned no id_token');
      return {
        accessToken: tokens.access_token,
        idToken: tokens.id_token,
        claims: { sub: claims.sub, sid: typeof claims['sid'] === 'string' ? claims['sid'] : undefined },
      };
    },
    async endSessionUrl(idTokenHint) {
      const configuration = await config();
      if (configuration.serverMetadata().end_session_endpoint === undefined) return null;
      return client.buildEndSessionUrl(configuration, {
        post_logout_redirect_uri: settings.postLogoutRedirectUri,
        client_id: settings.clientId,
        ...(idTokenHint === undefined ? {} : { id_token_hint: idTokenHint }),
      });
    },
    async jwksUrl() {
      const jwks = (await config()).serverMetadata().jwks_uri;
      if (jwks === undefined) throw new Error('the provider announces no jwks_uri');
      return new URL(toUpstream(jwks));
    },
    async signingAlgorithms() {
      const algs = (await config()).serverMetadata().id_token_signing_alg_values_supported;
      return (algs ?? ['RS256']).filter((alg) => alg !== 'none' && !alg.startsWith('HS'));
    },
    toUpstream,
  };
}

/** A fresh PKCE verifier and its S256 challenge, plus state and nonce. */
export async function newLoginSecrets(): Promise<{
  state: string;
  nonce: string;
  codeVerifier: string;
  codeChallenge: string;
}> {
  const codeVerifier = client.randomPKCECodeVerifier();
  return {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier,
    codeChallenge: await client.calculatePKCECodeChallenge(codeVerifier),
  };
}
