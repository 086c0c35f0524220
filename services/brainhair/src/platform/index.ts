/** Calls to the platform's other services on behalf of one user, with that user's own token. */
export { UpstreamError, createPlatformClient } from './client.js';
export type { PlatformClient, ServiceName, UserCall } from './client.js';
