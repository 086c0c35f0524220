/**
 * A client for the subset of Keycloak's Admin REST API that user management needs, as served by
 * the embedded identity provider (or a real Keycloak): authenticated with a client_credentials
 * token of the admin client (RFC 6749 §4.4), then `/admin/realms/<realm>/users|groups`. Used by
 * the CLI (`hivematrix users`) and by the console's users pages.
 */
import { z } from 'zod';

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });
export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  enabled: z.boolean().optional(),
  createdTimestamp: z.number().optional(),
});
export type IdentityUser = z.infer<typeof userSchema>;
export const groupSchema = z.object({ id: z.string(), name: z.string(), path: z.string().optional() });
export type IdentityGroup = z.infer<typeof groupSchema>;

/** Where and how to reach the admin API. */
export interface IdentityAdminOptions {
  tokenUrl: string;
  adminUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof globalThis.fetch;
  /** Epoch ms; tests freeze it. */
  now?: () => number;
}

/** The fields of a user an admin may change (the username is fixed, as in Keycloak). */
export interface UserPatch {
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
}

/** A user to create. */
export interface NewUser {
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
  password?: { value: string; temporary: boolean };
  groups?: string[];
}

/** The user-management calls helm makes. */
export interface IdentityAdmin {
  /** One page of users matching `search` (username, email or names), from `first`. */
  listUsers(search?: string, max?: number, first?: number): Promise<IdentityUser[]>;
  countUsers(search?: string): Promise<number>;
  getUser(userId: string): Promise<IdentityUser>;
  findUser(username: string): Promise<IdentityUser>;
  /**
   * Creates a user; with `password` and `groups` they are part of the one create request (as
   * Keycloak's representation allows), so a refused password leaves no half-made user behind.
   */
  createUser(user: NewUser): Promise<IdentityUser>;
  updateUser(userId: string, patch: UserPatch): Promise<void>;
  setPassword(userId: string, password: string, temporary: boolean): Promise<void>;
  listGroups(): Promise<IdentityGroup[]>;
  userGroups(userId: string): Promise<IdentityGroup[]>;
  addToGroup(userId: string, group: string): Promise<void>;
  removeFromGroup(userId: string, group: string): Promise<void>;
  /** Ends every session of the user (Keycloak's `POST /users/<id>/logout`). */
  logout(userId: string): Promise<void>;
  /** Whether failed logins lock the user out now (Keycloak's attack detection; `until` only from the embedded provider). */
  lockout(userId: string): Promise<{ locked: boolean; until: string | null }>;
  /** Ends the user's lockout. */
  unlock(userId: string): Promise<void>;
}

/** An error from the identity provider, with its status. */
export class IdentityAdminError extends Error {
  override readonly name = 'IdentityAdminError';

  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Keycloak's brute-force status of a user (`lockedUntil` is the embedded provider's addition). */
const lockoutSchema = z.object({ disabled: z.boolean(), lockedUntil: z.string().nullable().optional() });

/** Renewed this long before it expires, so a call never carries a token that lapses in flight. */
const TOKEN_MARGIN_MS = 30_000;

/** Creates the client; the token is fetched on first use and renewed before it expires. */
export function createIdentityAdmin(options: IdentityAdminOptions): IdentityAdmin {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  let token: { value: Promise<string>; expiresAt: number } | undefined;

  const fetchToken = async (): Promise<{ token: string; expiresIn: number }> => {
    const response = await fetchImpl(options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: options.clientId,
        client_secret: options.clientSecret,
      }),
    });
    if (!response.ok)
      throw new IdentityAdminError(
        `the identity provider refused the admin client (HTTP ${response.status} at ${options.tokenUrl})`,
        response.status,
      );
    const answer = tokenAnswer.parse(await response.json());
    return { token: answer.access_token, expiresIn: (answer.expires_in ?? 60) * 1000 };
  };

  const getToken = (): Promise<string> => {
    if (token === undefined || now() >= token.expiresAt) {
      const entry = { value: Promise.resolve(''), expiresAt: Number.POSITIVE_INFINITY };
      entry.value = fetchToken().then(
        (fresh) => {
          entry.expiresAt = now() + Math.max(0, fresh.expiresIn - TOKEN_MARGIN_MS);
          return fresh.token;
        },
        (error: unknown) => {
          // A refusal is not remembered: the next call asks again (the secret may have been fixed).
          if (token === entry) token = undefined;
          throw error;
        },
      );
      token = entry;
    }
    return token.value;
  };

  async function send(method: string, path: string, body: unknown): Promise<Response> {
    return fetchImpl(`${options.adminUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await getToken()}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    let response = await send(method, path, body);
    if (response.status === 401) {
      // The provider may have restarted with new keys: one more try with a fresh token.
      token = undefined;
      response = await send(method, path, body);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      let detail = text.slice(0, 300);
      try {
        const parsed = JSON.parse(text) as { errorMessage?: unknown; error?: unknown; detail?: unknown };
        const message = parsed.errorMessage ?? parsed.detail ?? parsed.error;
        if (typeof message === 'string') detail = message;
      } catch {
        // Not JSON.
      }
      throw new IdentityAdminError(
        `${method} ${path}: HTTP ${response.status}${detail === '' ? '' : `: ${detail}`}`,
        response.status,
      );
    }
    return response;
  }

  const userPath = (userId: string): string => `/users/${encodeURIComponent(userId)}`;

  async function group(name: string): Promise<IdentityGroup> {
    const groups = z
      .array(groupSchema)
      .parse(await (await call('GET', `/groups?search=${encodeURIComponent(name)}`)).json());
    const found = groups.find((candidate) => candidate.name === name);
    if (found === undefined) throw new IdentityAdminError(`there is no group "${name}"`, 404);
    return found;
  }

  const admin: IdentityAdmin = {
    async listUsers(search, max = 100, first = 0) {
      const query = new URLSearchParams({
        max: String(max),
        first: String(first),
        ...(search === undefined || search === '' ? {} : { search }),
      });
      return z.array(userSchema).parse(await (await call('GET', `/users?${query.toString()}`)).json());
    },
    async countUsers(search) {
      const query = new URLSearchParams(search === undefined || search === '' ? {} : { search });
      return z
        .number()
        .int()
        .min(0)
        .parse(await (await call('GET', `/users/count?${query.toString()}`)).json());
    },
    async getUser(userId) {
      return userSchema.parse(await (await call('GET', userPath(userId))).json());
    },
    async findUser(username) {
      const query = new URLSearchParams({ username, exact: 'true' });
      const users = z.array(userSchema).parse(await (await call('GET', `/users?${query.toString()}`)).json());
      const user = users.find((candidate) => candidate.username.toLowerCase() === username.toLowerCase());
      if (user === undefined) throw new IdentityAdminError(`there is no user "${username}"`, 404);
      return user;
    },
    async createUser({ password, groups, ...user }) {
      await call('POST', '/users', {
        enabled: true,
        ...user,
        ...(password === undefined
          ? {}
          : { credentials: [{ type: 'password', value: password.value, temporary: password.temporary }] }),
        ...(groups === undefined || groups.length === 0 ? {} : { groups }),
      });
      // Keycloak answers 201 with a Location header; looking the user up (exact, case-insensitive) works everywhere.
      return admin.findUser(user.username);
    },
    async updateUser(userId, patch) {
      await call('PUT', userPath(userId), patch);
    },
    async setPassword(userId, password, temporary) {
      await call('PUT', `${userPath(userId)}/reset-password`, { type: 'password', value: password, temporary });
    },
    async listGroups() {
      return z.array(groupSchema).parse(await (await call('GET', '/groups?max=1000')).json());
    },
    async userGroups(userId) {
      return z.array(groupSchema).parse(await (await call('GET', `${userPath(userId)}/groups`)).json());
    },
    async addToGroup(userId, name) {
      await call('PUT', `${userPath(userId)}/groups/${encodeURIComponent((await group(name)).id)}`);
    },
    async removeFromGroup(userId, name) {
      await call('DELETE', `${userPath(userId)}/groups/${encodeURIComponent((await group(name)).id)}`);
    },
    async logout(userId) {
      await call('POST', `${userPath(userId)}/logout`);
    },
    async lockout(userId) {
      const status = lockoutSchema.parse(
        await (await call('GET', `/attack-detection/brute-force${userPath(userId)}`)).json(),
      );
      return { locked: status.disabled, until: status.lockedUntil ?? null };
    },
    async unlock(userId) {
      await call('DELETE', `/attack-detection/brute-force${userPath(userId)}`);
    },
  };
  return admin;
}
