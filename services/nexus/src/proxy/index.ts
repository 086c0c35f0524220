/** Forwarding to the services: routing a URL, one proxied exchange, WebSocket tunnels and their registry. */
export { forward } from './forward.js';
export type { ForwardSettings } from './forward.js';
export { routeFor } from './route.js';
export { TunnelRegistry } from './tunnels.js';
export { createUpgradeHandler } from './websocket.js';
export type { UpgradeContext } from './websocket.js';
