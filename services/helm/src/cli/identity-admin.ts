/**
 * A client for the subset of Keycloak's Admin REST API that user management needs, as served by
 * the embedded identity provider (or a real Keycloak): authenticated with a client_credentials
 * token of the admin client (RFC 6749 §4.4), then `/admin/realms/<realm>/users|groups`.
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
}

/** The user-management calls helm makes. */
export interface IdentityAdmin {
  listUsers(search?: string, max?: number): Promise<IdentityUser[]>;
  findUser(username: string): Promise<IdentityUser>;
  createUser(user: { username: string; email?: string; firstName?: string; lastName?: string }): Promise<IdentityUser>;
  setPassword(userId: string, password: string, temporary: boolean): Promise<void>;
  userGroups(userId: string): Promise<IdentityGroup[]>;
  addToGroup(userId: string, group: string): Promise<void>;
  removeFromGroup(userId: string, group: string): Promise<void>;
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

/** Creates the client; the token is fetched on first use and reused. */
export function createIdentityAdmin(options: IdentityAdminOptions): IdentityAdmin {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let token: Promise<string> | undefined;

  const getToken = (): Promise<string> => {
    token ??= (async () => {
      const response = await fetchImpl(options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret }),
      });
      if (!response.ok) throw new IdentityAdminError(`the identity provider refused the admin client (HTTP ${response.status} at ${options.tokenUrl})`, response.status);
      return tokenAnswer.parse(await response.json()).access_token;
    })();
    return token;
  };

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetchImpl(`${options.adminUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await getToken()}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
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
      throw new IdentityAdminError(`${method} ${path}: HTTP ${response.status}${detail === '' ? '' : `: ${detail}`}`, response.status);
    }
    return response;
  }

  async function group(name: string): Promise<IdentityGroup> {
    const groups = z.array(groupSchema).parse(await (await call('GET', `/groups?search=${encodeURIComponent(name)}`)).json());
    const found = groups.find((candidate) => candidate.name === name);
    if (found === undefined) throw new IdentityAdminError(`there is no group "${name}"`, 404);
    return found;
  }

  const admin: IdentityAdmin = {
    async listUsers(search, max = 100) {
      const query = new URLSearchParams({ max: String(max), ...(search === undefined ? {} : { search }) });
      return z.array(userSchema).parse(await (await call('GET', `/users?${query.toString()}`)).json());
    },
    async findUser(username) {
      const query = new URLSearchParams({ username, exact: 'true' });
      const users = z.array(userSchema).parse(await (await call('GET', `/users?${query.toString()}`)).json());
      const user = users.find((candidate) => candidate.username.toLowerCase() === username.toLowerCase());
      if (user === undefined) throw new IdentityAdminError(`there is no user "${username}"`, 404);
      return user;
    },
    async createUser(user) {
      await call('POST', '/users', { ...user, enabled: true });
      // Keycloak answers 201 with a Location header; looking the user up works everywhere.
      return admin.findUser(user.username);
    },
    async setPassword(userId, password, temporary) {
      await call('PUT', `/users/${encodeURIComponent(userId)}/reset-password`, { type: 'password', value: password, temporary });
    },
    async userGroups(userId) {
      return z.array(groupSchema).parse(await (await call('GET', `/users/${encodeURIComponent(userId)}/groups`)).json());
    },
    async addToGroup(userId, name) {
      await call('PUT', `/users/${encodeURIComponent(userId)}/groups/${encodeURIComponent((await group(name)).id)}`);
    },
    async removeFromGroup(userId, name) {
      await call('DELETE', `/users/${encodeURIComponent(userId)}/groups/${encodeURIComponent((await group(name)).id)}`);
    },
  };
  return admin;
}
