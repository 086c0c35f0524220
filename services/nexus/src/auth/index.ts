/**
 * The gateway as an OpenID Connect relying party and core's client: the login flow and RP-initiated
 * logout with its signed state, back-channel logout tokens, and the calls to core.
 */
export { createLogoutTokenValidator } from './backchannel.js';
export { createCoreApi } from './core-api.js';
export type { CoreApi } from './core-api.js';
export { isLogoutState, logoutState } from './logout-state.js';
export { createOidcClient, newLoginSecrets } from './oidc.js';
export type { OidcClient } from './oidc.js';
