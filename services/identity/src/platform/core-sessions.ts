/**
 * Telling core that a user's access changed, so their platform sessions end within the
 * revocation feed's delay instead of at their next token refresh: identity calls core's
 * `POST /api/admin/users/<sub>/revoke-sessions` with its own service token whenever its admin API
 * disables, deletes, resets the password of, or changes the groups of a user.
 *
 * A demoted user is revoked outright too, not re-derived in place: their platform token is a
 * self-contained JWT checked locally by every service, so only revoking its `jti` takes the old
 * level away at once. Their identity session is left alone, so the gateway's next sign-in round
 * trip completes without a password and yields a token at the new level.
 */
import { ServiceCallError, type ServiceClient } from '@hivematrix/sdk';
import { z } from 'zod';
import { DeliveryError, isTransientStatus } from '../oidc/index.js';
import type { RetryingDelivery } from '../oidc/index.js';

/** Why a user's sessions are ended (logged). */
export type AccessChange = 'disabled' | 'deleted' | 'password_reset' | 'groups_changed' | 'logged_out';

/** Ends a user's platform sessions at core. */
export interface PlatformSessions {
  /** True when core confirmed at the first attempt; otherwise retries go on in the background. */
  endUserSessions(userId: string, reason: AccessChange): Promise<boolean>;
}

const Answer = z.object({ revoked: z.number().int().nonnegative() });

/** Over a service client that knows core; `undefined` client (no secret configured): a logged no-op. */
export function createPlatformSessions(deps: {
  client: Pick<ServiceClient, 'call'> | undefined;
  delivery: RetryingDelivery;
  logger: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}): PlatformSessions {
  const { client, delivery, logger } = deps;
  return {
    async endUserSessions(userId, reason) {
      if (client === undefined) {
        logger.warn(
          { user: userId, reason },
          "no service secret: core is not told to end the user's platform sessions",
        );
        return false;
      }
      try {
        const answer = await delivery.run(
          {
            event: 'platform_sessions_revoke',
            message: "ending the user's platform sessions at core",
            fields: { user: userId, reason },
          },
          async () => {
            try {
              return await client.call('core', `/api/admin/users/${encodeURIComponent(userId)}/revoke-sessions`, {
                method: 'POST',
                body: {},
                schema: Answer,
                timeoutMs: 5_000,
              });
            } catch (error) {
              if (error instanceof ServiceCallError && !isTransientStatus(error.upstreamStatus)) {
                throw new DeliveryError(error.message, false, { cause: error });
              }
              throw error;
            }
          },
        );
        logger.info({ user: userId, reason, revoked: answer.revoked }, 'platform sessions ended');
        return true;
      } catch {
        // Logged by the delivery; retried in the background when it may pass.
        return false;
      }
    },
  };
}
