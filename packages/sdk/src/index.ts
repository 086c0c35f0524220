/**
 * `@hivematrix/sdk`: what every HiveMatrix service shares. HTML components live in
 * `@hivematrix/sdk/html`, the database layer in `@hivematrix/sdk/db`, test helpers in
 * `@hivematrix/sdk/testing`, so a service only loads what it uses.
 */
export * from './errors.js';
export * from './config/index.js';
export * from './logging/index.js';
export * from './auth/index.js';
export * from './service-client.js';
export { ON_BEHALF_OF_HEADER, currentCallUser, requestUser, runAsUser, runForRequest } from './call-context.js';
export * from './health.js';
export { addCheck, HEALTH_PATHS, registerHealthRoute } from './http/health-routes.js';
export * from './urls.js';
export { createServiceApp, type ServiceApp, type ServiceAppOptions, type RateLimitOptions } from './http/create-app.js';
export { installErrorHandling, sendProblem, toAppError } from './http/error-handler.js';
export { securityHeaders, SERVICE_CSP } from './http/security-headers.js';
export { crossSiteReason, installSameOriginCheck } from './http/same-origin.js';
export { installFormParser, parseForm, type FormFields } from './http/forms.js';
export { findInvalidText, installTextGuard, invalidTextReason } from './http/text-guard.js';
export { drainStateOf, installDrain, type DrainState } from './http/drain.js';
export {
  collectApiRoutes,
  openApiDocument,
  openApiParameters,
  zodJsonSchema,
  type DocumentedRoute,
  type OpenApiOptions,
} from './http/openapi.js';
export { CSV_FORMULA_START, formatCell, formatCsv, formatCsvRow } from './csv.js';
export { canonicalJson } from './canonical-json.js';
export { connectPlatform, runService, type Platform, type PlatformSettings, type RunServiceOptions } from './boot.js';
export * from './registry.js';
export { exponentialDelay, listedDelays, retry, type FailedAttempt, type RetryOptions } from './retry.js';
