/**
 * Names a service cannot take: the gateway serves these paths itself (`/login`, `/keycloak`, …),
 * so a service called that could never be reached at `/<name>/` (the list nexus's router keeps).
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'api',
  'static',
  'login',
  'logout',
  'keycloak',
  'keycloak-callback',
  'backchannel-logout',
  'health',
  'favicon.ico',
  'nexus',
]);
