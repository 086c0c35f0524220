/**
 * Core's look at a user's current state at the identity provider, through Keycloak's admin REST
 * API (served by the embedded identity and by a real Keycloak alike) with a client_credentials
 * token of the admin client (RFC 6749 §4.4): whether the user still exists and is enabled, their
 * groups now, and which identity sessions they still have.
 *
 * Core asks on every token refresh, so a platform session never keeps a level its user lost, a
 * disabled or deleted user's session ends at its next refresh at the latest, and no platform
 * session outlives the identity session it came from, even when a notification was missed (a real
 * Keycloak's console, an undelivered back-channel logout).
 */
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import { normalizeGroups } from './permissions.js';

/** A user's state at the identity provider. */
export type UserStatus =
  | { exists: false }
  | {
      exists: true;
      enabled: boolean;
      /** Normalized group names. */
      groups: string[];
      /** The identity session ids (`sid`) the user still has. */
      sessions: string[];
    };

/** Options of `createUserStatusClient`. */
export interface UserStatusOptions {
  /** The realm's internal base URL, e.g. `http://127.0.0.1:8080/keycloak/realms/hivematrix`. */
  internalUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  /** Clock in milliseconds. */
  now: () => number;
}

/** Reads a user's state at the identity provider. */
export interface UserStatusClient {
  status(sub: string): Promise<UserStatus>;
}

const TokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });
const UserAnswer = z.object({ id: z.string(), enabled: z.boolean().optional() });
const GroupsAnswer = z.array(z.object({ name: z.string(), path: z.string().optional() }));
const SessionsAnswer = z.array(z.object({ id: z.string() }));

const unavailable = (cause: unknown): AppError =>
  new AppError('service_unavailable', 'The identity provider could not confirm the user', { cause, retryAfter: 5 });

/** `…/realms/<realm>` → `…/admin/realms/<realm>` (Keycloak's layout). */
export function adminBaseOf(internalUrl: string): string {
  const base = internalUrl.replace(/\/+$/, '');
  const match = /^(.*)\/realms\/([^/]+)$/.exec(base);
  if (match === null) throw new Error(`not a realm URL: ${internalUrl}`);
  return `${match[1]}/admin/realms/${match[2]}`;
}

/** Creates the client; its admin token is cached until shortly before it expires. */
export function createUserStatusClient(options: UserStatusOptions): UserStatusClient {
  const realm = options.internalUrl.replace(/\/+$/, '');
  const admin = adminBaseOf(realm);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let cached: { token: string; until: number } | undefined;

  async function request(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      throw unavailable(error);
    }
  }

  async function json<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
    if (!response.ok) {
      await response.body?.cancel();
      throw unavailable(new Error(`${response.url} answered HTTP ${response.status}`));
    }
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new AppError('bad_gateway', "Invalid response from the identity provider's admin API");
    return parsed.data;
  }

  async function token(): Promise<string> {
    if (cached !== undefined && options.now() < cached.until) return cached.token;
    const response = await request(`${realm}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: options.clientId,
        client_secret: options.clientSecret,
      }),
    });
    const answer = await json(response, TokenAnswer);
    // Opaque tokens tell no expiry but `expires_in`; renew 30 s early (at least a minute if absent).
    cached = { token: answer.access_token, until: options.now() + Math.max(0, (answer.expires_in ?? 60) - 30) * 1000 };
    return answer.access_token;
  }

  async function get(path: string, retried = false): Promise<Response | null> {
    const response = await request(`${admin}${path}`, {
      headers: { authorization: `Bearer ${await token()}`, accept: 'application/json' },
    });
    if (response.status === 401 && !retried) {
      await response.body?.cancel();
      cached = undefined;
      return get(path, true);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    return response;
  }

  return {
    async status(sub) {
      const id = encodeURIComponent(sub);
      const userResponse = await get(`/users/${id}`);
      if (userResponse === null) return { exists: false };
      const user = await json(userResponse, UserAnswer);
      const [groupsResponse, sessionsResponse] = await Promise.all([
        get(`/users/${id}/groups`),
        get(`/users/${id}/sessions`),
      ]);
      // Deleted between the calls.
      if (groupsResponse === null || sessionsResponse === null) return { exists: false };
      const [groups, sessions] = await Promise.all([
        json(groupsResponse, GroupsAnswer),
        json(sessionsResponse, SessionsAnswer),
      ]);
      return {
        exists: true,
        // Keycloak leaves `enabled` out of no representation, but a missing flag must not enable anyone.
        enabled: user.enabled === true,
        groups: normalizeGroups(groups.map((group) => group.path ?? group.name)),
        sessions: sessions.map((session) => session.id),
      };
    },
  };
}
