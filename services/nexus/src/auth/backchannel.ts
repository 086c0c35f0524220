/**
 * Validation of an OIDC Back-Channel Logout 1.0 `logout_token` (§2.6): a JWT signed by the
 * identity provider (its JWKS, an asymmetric algorithm it announces), `iss` the provider, `aud`
 * our client id, `iat` present, an `events` claim holding the back-channel-logout event, a `sub`
 * or a `sid`, and no `nonce` (so an id_token can never be replayed as a logout token). A `jti`
 * seen before is a replay (§2.6 step 9, optional, done here).
 */
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTVerifyGetKey } from 'jose';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** What a valid logout token names. */
export interface LogoutTarget {
  sid: string | undefined;
  sub: string | undefined;
  jti: string | undefined;
}

/** Options of `createLogoutTokenValidator`. */
export interface LogoutValidatorOptions {
  issuer: string;
  clientId: string;
  jwksUrl: () => Promise<URL>;
  algorithms: () => Promise<string[]>;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/** Validates logout tokens; throws an Error saying why a token is refused. */
export function createLogoutTokenValidator(options: LogoutValidatorOptions): (token: string) => Promise<LogoutTarget> {
  let keys: JWTVerifyGetKey | undefined;
  const now = options.now ?? Date.now;

  async function keySet(): Promise<JWTVerifyGetKey> {
    if (keys === undefined) {
      const fetchImpl = options.fetch;
      keys = createRemoteJWKSet(await options.jwksUrl(), {
        timeoutDuration: 5_000,
        ...(fetchImpl === undefined ? {} : { [customFetch]: (url: string, init: RequestInit) => fetchImpl(url, init) }),
      });
    }
    return keys;
  }

  return async (token) => {
    const { payload } = await jwtVerify(token, await keySet(), {
      issuer: options.issuer,
      audience: options.clientId,
      algorithms: await options.algorithms(),
      requiredClaims: ['iat'],
      // Logout tokens are short-lived; a token far in the past is not honoured late.
      maxTokenAge: '10 minutes',
      clockTolerance: 30,
      currentDate: new Date(now()),
    });
    const events = payload['events'];
    if (typeof events !== 'object' || events === null || Array.isArray(events)) throw new Error('events claim missing');
    const event = (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT];
    if (typeof event !== 'object' || event === null) throw new Error('not a back-channel logout event');
    if ('nonce' in payload) throw new Error('a logout token must not contain a nonce');
    const sid = typeof payload['sid'] === 'string' && payload['sid'] !== '' ? payload['sid'] : undefined;
    const sub = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;
    if (sid === undefined && sub === undefined) throw new Error('a logout token names a sub or a sid');
    return { sid, sub, jti: typeof payload.jti === 'string' ? payload.jti : undefined };
  };
}
