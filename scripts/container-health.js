// The container image's HEALTHCHECK: GET /health/ready on the service's own port (PORT), over HTTPS
// for the gateway (its own certificate, so not verified: this is loopback), healthy only on 200.
// Readiness, not /health: Docker's health feeds routing (Swarm's mesh, Traefik, compose's
// `service_healthy`), and /health fails whenever another service is down, which would mark every
// container that calls it unhealthy too. /health/ready fails only for this container's own state:
// draining after SIGTERM, its database unreachable.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import process from 'node:process';

const port = Number(process.env.PORT ?? '0');
const secure = process.env.SERVICE_NAME === 'nexus' || process.env.HEALTH_SCHEME === 'https';
const send = secure ? httpsRequest : httpRequest;
const request = send(
  { host: '127.0.0.1', port, path: '/health/ready', timeout: 3000, rejectUnauthorized: false },
  (response) => {
    response.resume();
    process.exit(response.statusCode === 200 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy());
request.on('error', () => process.exit(1));
request.end();
