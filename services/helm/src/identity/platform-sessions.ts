/**
 * Ending a user's platform sessions at core after helm changes their access (disable, delete,
 * password, groups, logout): `POST /api/admin/users/<sub>/revoke-sessions` with helm's service
 * token, which core's route names. Identity tells core too; helm asks again so that the change
 * reaches every session even when identity's notice was lost or a real Keycloak sends none, and
 * so the admin sees whether it worked.
 */
import { z } from 'zod';
import type { ServiceClient } from '@hivematrix/sdk';

/** What core said, or why it could not be asked. */
export type SessionsOutcome = { ended: true; revoked: number } | { ended: false; error: string };

/** Ends a user's platform sessions. */
export interface PlatformSessions {
  endUserSessions(sub: string): Promise<SessionsOutcome>;
}

const Answer = z.object({ revoked: z.number().int().nonnegative() });

/**
 * Over a function that calls core with a service token (the daemon's service client, or the CLI's
 * minted token). Never throws: the outcome says what happened.
 */
export function createPlatformSessions(call: (path: string) => Promise<unknown>): PlatformSessions {
  return {
    async endUserSessions(sub) {
      try {
        const answer = Answer.parse(await call(`/api/admin/users/${encodeURIComponent(sub)}/revoke-sessions`));
        return { ended: true, revoked: answer.revoked };
      } catch (error) {
        return { ended: false, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

/** Over a bearer token for core and core's URL (the CLI). */
export function platformSessionsAt(
  coreUrl: string,
  token: () => Promise<string>,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
): PlatformSessions {
  return createPlatformSessions(async (path) => {
    const response = await fetchImpl(`${coreUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token()}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: '{}',
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`core answered HTTP ${response.status}`);
    }
    return response.json();
  });
}

/** Over helm's service client (the daemon). */
export function platformSessionsVia(client: Pick<ServiceClient, 'call'>): PlatformSessions {
  return createPlatformSessions((path) => client.call('core', path, { method: 'POST', body: {}, timeoutMs: 5_000 }));
}
