/** External mode (helm runs none of the services): what it learns by polling them, and what it refuses. */
export { HealthPoller, watchedServices } from './poller.js';
export type { WatchedService } from './poller.js';
export { refusingControl, unavailableHostAudit } from './refusals.js';
