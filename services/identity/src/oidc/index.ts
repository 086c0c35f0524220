/** The OpenID provider: its configuration, clients, keys, sessions and back-channel delivery. */
export { createBackchannelFetch } from './backchannel-fetch.js';
export type { ProviderFetch } from './backchannel-fetch.js';
export { providerBridge } from './bridge.js';
export { adminClient, gatewayClient, pageContentSecurityPolicy } from './clients.js';
export { loadProviderKeys } from './keys.js';
export { createIdentityProvider } from './provider.js';
export { DeliveryError, createRetryingDelivery, isTransientStatus } from './retrying-delivery.js';
export type { RetryPolicy, RetryingDelivery } from './retrying-delivery.js';
export { endUserSessions, sweepEndedSessions, userSessions } from './sessions.js';
