/**
 * What every request through the gateway passes: access log, CSRF check, security headers, rate
 * limits (per process or shared through Redis), and the contract with the page composer.
 */
export { AccessLogController, redactUrl } from './access-log.js';
export { crossSiteReason, isUnsafeMethod, ownOriginsOf } from './csrf.js';
export type { ComposeContext, NavItem, PageComposer } from './page-composer.js';
export { createRateLimiter } from './rate-limit.js';
export type { RateLimiter } from './rate-limit.js';
export { installSecurityHeaders, keepCsp } from './security-headers.js';
export { connectSharedRateLimiter } from './shared-rate-limit.js';
