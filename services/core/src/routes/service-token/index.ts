/**
 * `POST /service-token`: a 5-minute token from one service for another (DESIGN.md §2).
 *
 * The caller authenticates with its own secret (`Authorization: Bearer <secret>`). Authentication
 * comes before anything else is looked at, and every failure (no secret, wrong secret, another
 * service's secret, unknown caller) gets the same 401, so the endpoint tells an outsider nothing,
 * not even which services exist. The original minted tokens for anyone who asked.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import { SERVICE_TOKEN_TTL_SEC } from '../../domain/index.js';
import type { ServiceDirectory, TokenIssuer } from '../../domain/index.js';
import { perAddress } from '../limits.js';

const serviceName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'a service name');
const body = z.object({ calling_service: serviceName, target_service: serviceName });
const response = z.object({ token: z.string(), expires_in: z.number().int() });

/** Options of `serviceTokenRoutes`. */
export interface ServiceTokenRoutesOptions {
  directory: ServiceDirectory;
  issuer: TokenIssuer;
  perAddressLimit: number;
}

function bearer(header: string | undefined): string {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? '';
}

function callingService(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null || !('calling_service' in raw)) return '';
  return typeof raw.calling_service === 'string' ? raw.calling_service : '';
}

/** Registers `POST /service-token`. */
export const serviceTokenRoutes: FastifyPluginAsync<ServiceTokenRoutesOptions> = async (base, options) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/service-token',
    { config: perAddress(options.perAddressLimit), schema: { response: { 200: response } } },
    async (request) => {
      const calling = callingService(request.body);
      const authenticated = await options.directory.authenticate(calling, bearer(request.headers.authorization));
      if (!authenticated) throw new AppError('unauthorized', 'Service authentication failed');
      const parsed = body.safeParse(request.body);
      if (!parsed.success) {
        const errors = parsed.error.issues.map((issue) => ({
          path: ['body', ...issue.path.map(String)].join('.'),
          message: issue.message,
        }));
        throw new AppError('validation_failed', 'The request is not valid.', { errors });
      }
      if (!(await options.directory.isKnown(parsed.data.target_service))) {
        throw new AppError('not_found', 'Unknown target service');
      }
      const minted = await options.issuer.mintServiceToken(parsed.data.calling_service, parsed.data.target_service);
      return { token: minted.token, expires_in: SERVICE_TOKEN_TTL_SEC };
    },
  );
};
