/**
 * The gateway's calls to core (issue 3's contract), each with a service token for `core` and a
 * parsed answer. Failures are the service client's typed errors: a `ServiceCallError` keeps core's
 * HTTP status, so a 401 from refresh ("this session is over") is told apart from core being down.
 */
import { z } from 'zod';
import { ServiceCallError, type ServiceClient } from '@hivematrix/sdk';

const ExchangeAnswer = z.object({
  token: z.string().min(1),
  expires_in: z.number().optional(),
  session_id: z.string().optional(),
});
const RefreshAnswer = z.object({ token: z.string().min(1), expires_in: z.number().optional() });
const RevokeIdentityAnswer = z.object({ revoked: z.number().int().nonnegative() });

/** What the gateway asks of core. */
export interface CoreApi {
  /** Trades the identity provider's tokens for a platform JWT and a core session. */
  exchange(accessToken: string, idToken: string, correlationId?: string): Promise<{ token: string }>;
  /** A fresh platform JWT for the same session; null when core says the session is over (401). */
  refresh(token: string): Promise<{ token: string } | null>;
  /** Ends the core session of a token (logout). Failures are reported, not thrown. */
  revoke(token: string): Promise<boolean>;
  /** Ends every core session of an identity session (back-channel logout). */
  revokeIdentitySession(sid: string): Promise<number>;
}

/** The core API over a service client whose `core` target is core's URL. */
export function createCoreApi(client: ServiceClient, timeoutMs = 5_000): CoreApi {
  const post = (body: unknown, correlationId?: string) => ({
    method: 'POST',
    body,
    timeoutMs,
    ...(correlationId === undefined ? {} : { correlationId }),
  });
  return {
    async exchange(accessToken, idToken, correlationId) {
      return client.call('core', '/api/token/exchange', {
        ...post({ access_token: accessToken, id_token: idToken }, correlationId),
        schema: ExchangeAnswer,
      });
    },
    async refresh(token) {
      try {
        return await client.call('core', '/api/token/refresh', { ...post({ token }), schema: RefreshAnswer });
      } catch (error) {
        if (error instanceof ServiceCallError && (error.upstreamStatus === 401 || error.upstreamStatus === 403))
          return null;
        throw error;
      }
    },
    async revoke(token) {
      try {
        await client.call('core', '/api/token/revoke', post({ token }));
        return true;
      } catch {
        return false;
      }
    },
    async revokeIdentitySession(sid) {
      const answer = await client.call('core', '/api/sessions/revoke-identity-session', {
        ...post({ sid }),
        schema: RevokeIdentityAnswer,
      });
      return answer.revoked;
    },
  };
}
