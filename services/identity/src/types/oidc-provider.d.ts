/**
 * Types for the part of `oidc-provider` (v9, shipped without types) that identity uses. Written
 * from the library's source (lib/provider.js, lib/helpers/defaults.js, lib/models/*); only what
 * we call or configure is declared, so a wrong use is a type error rather than a runtime surprise.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** What the provider stores for one model instance. */
  export interface AdapterPayload {
    [key: string]: unknown;
    accountId?: string;
    grantId?: string;
    userCode?: string;
    uid?: string;
    /** Set (to an epoch second) once a one-time artifact such as a code was used. */
    consumed?: number;
    exp?: number;
  }

  /** The storage interface the provider calls, one instance per model name. */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  /** Client metadata (RFC 7591 names) for the static `clients` list. */
  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    client_name?: string;
    redirect_uris?: string[];
    post_logout_redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    backchannel_logout_uri?: string;
    backchannel_logout_session_required?: boolean;
  }

  export interface Client {
    clientId: string;
    clientName?: string;
    backchannelLogoutUri?: string;
    /** Sends an OIDC Back-Channel Logout request (a logout_token) to the client. */
    backchannelLogout(sub: string, sid: string | undefined): Promise<void>;
  }

  export interface Account {
    accountId: string;
    claims(
      use: string,
      scope: string,
      claims: Record<string, unknown>,
      rejected: string[],
    ): Promise<Record<string, unknown>>;
  }

  export interface Grant {
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
  }

  export interface Session {
    jti: string;
    uid: string;
    accountId?: string;
    loginTs?: number;
    exp?: number;
    authorizations?: Record<string, { sid?: string; grantId?: string }>;
    grantIdFor(clientId: string): string | undefined;
    destroy(): Promise<void>;
  }

  /** Fields common to AccessToken and ClientCredentials. */
  export interface StoredToken {
    jti: string;
    kind: string;
    clientId: string;
    accountId?: string;
    grantId?: string;
    sessionUid?: string;
    expiresWithSession?: boolean;
    scope?: string;
    exp: number;
    readonly isExpired: boolean;
  }

  export interface Interaction {
    uid: string;
    returnTo: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    result?: Record<string, unknown>;
    session?: { uid: string; accountId?: string };
  }

  export interface OIDCContext {
    readonly issuer: string;
    readonly provider: Provider;
    readonly route: string;
    readonly client?: Client;
    readonly account?: Account;
    readonly session: Session & { state?: { secret?: string } };
    readonly params: Record<string, unknown>;
    readonly result?: { consent?: { grantId?: string } } & Record<string, unknown>;
    readonly entities: Record<string, unknown>;
    readonly requestParamOIDCScopes: Set<string>;
    readonly requestParamClaims: Set<string>;
    urlFor(name: string, options?: Record<string, string>): string;
  }

  /** The Koa context the provider hands to configuration callbacks. */
  export interface KoaContextWithOIDC {
    oidc: OIDCContext;
    body: unknown;
    type: string;
    status: number;
    set(field: string, value: string): void;
    get(field: string): string;
  }

  export type FindAccount = (ctx: KoaContextWithOIDC, sub: string, token?: unknown) => Promise<Account | undefined>;

  export type TtlFunction<T> = (ctx: KoaContextWithOIDC | undefined, subject: T, client?: Client) => number;

  /** The configuration keys identity sets (see lib/helpers/defaults.js for their meaning). */
  export interface Configuration {
    adapter: (name: string) => Adapter;
    clients: ClientMetadata[];
    jwks: { keys: Record<string, unknown>[] };
    cookies: {
      keys: string[];
      names: { session: string; interaction: string; resume: string };
      long: { httpOnly: boolean; sameSite: 'lax' | 'strict'; path?: string };
      short: { httpOnly: boolean; sameSite: 'lax' | 'strict' };
    };
    routes: Record<string, string>;
    claims: Record<string, string[] | null>;
    scopes: string[];
    responseTypes: string[];
    clientAuthMethods: string[];
    conformIdTokenClaims: boolean;
    allowOmittingSingleRegisteredRedirectUri: boolean;
    enableHttpPostMethods: boolean;
    pkce: { required: (ctx: KoaContextWithOIDC, client: Client) => boolean };
    findAccount: FindAccount;
    loadExistingGrant: (ctx: KoaContextWithOIDC) => Promise<Grant | undefined>;
    issueRefreshToken: (
      ctx: KoaContextWithOIDC,
      client: Client & { grantTypeAllowed(type: string): boolean },
      code: unknown,
    ) => Promise<boolean>;
    clientBasedCORS: (ctx: KoaContextWithOIDC, origin: string, client: Client) => boolean;
    interactions: { url: (ctx: KoaContextWithOIDC, interaction: Interaction) => Promise<string> };
    renderError: (ctx: KoaContextWithOIDC, out: Record<string, string | undefined>, error: Error) => Promise<void>;
    ttl: {
      AccessToken: TtlFunction<StoredToken>;
      AuthorizationCode: number;
      ClientCredentials: TtlFunction<StoredToken>;
      Grant: TtlFunction<Grant>;
      IdToken: TtlFunction<unknown>;
      Interaction: number;
      RefreshToken: TtlFunction<unknown>;
      Session: TtlFunction<Session>;
    };
    fetch: (url: string | URL, init: RequestInit) => Promise<Response>;
    features: {
      devInteractions: { enabled: false };
      dPoP: { enabled: boolean };
      pushedAuthorizationRequests: { enabled: boolean };
      resourceIndicators: { enabled: boolean };
      clientCredentials: { enabled: boolean };
      introspection: {
        enabled: boolean;
        allowedPolicy: (ctx: KoaContextWithOIDC, client: Client, token: StoredToken) => Promise<boolean>;
      };
      revocation: {
        enabled: boolean;
        allowedPolicy: (ctx: KoaContextWithOIDC, client: Client, token: StoredToken) => Promise<boolean>;
      };
      backchannelLogout: { enabled: boolean };
      rpInitiatedLogout: {
        enabled: boolean;
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => Promise<void>;
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => Promise<void>;
      };
      userinfo: { enabled: boolean };
    };
  }

  export class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly issuer: string;
    /** Koa's flag: believe X-Forwarded-Proto/Host/For. */
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    on(event: string, listener: (...args: never[]) => void): this;
    readonly Client: { find(id: string): Promise<Client | undefined> };
    readonly Session: {
      find(id: string): Promise<Session | undefined>;
      findByUid(uid: string): Promise<Session | undefined>;
    };
    readonly Grant: {
      new (init: { accountId: string; clientId: string }): Grant;
      find(id: string): Promise<Grant | undefined>;
    };
    readonly AccessToken: { find(value: string): Promise<StoredToken | undefined> };
    readonly ClientCredentials: { find(value: string): Promise<StoredToken | undefined> };
  }

  export const errors: {
    OIDCProviderError: new (...args: never[]) => Error & { error: string; error_description?: string; status: number };
    SessionNotFound: new (...args: never[]) => Error;
  };
}
