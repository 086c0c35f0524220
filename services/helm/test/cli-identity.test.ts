/** `users`, `token` and `keys rotate` against fake identity and core servers speaking their APIs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { main } from '../src/cli/main.js';
import { loadPlatform } from '../src/generate/sync.js';
import type { HelmPaths } from '../src/paths.js';
import { json, startFakeHttp, type FakeHttp } from './fake-http.js';
import { createFixture } from './platform-fixture.js';

function capture(env: Record<string, string>, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      out: (text: string) => out.push(text),
      err: (text: string) => err.push(text),
      isTTY: false,
      env,
      readStdin: async () => stdin,
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

async function configure(
  paths: HelmPaths,
  edit: (config: { keycloak: Record<string, unknown>; apps: Record<string, Record<string, unknown>> }) => void,
): Promise<void> {
  await loadPlatform(paths);
  const config = JSON.parse(await readFile(paths.masterConfig, 'utf8')) as {
    keycloak: Record<string, unknown>;
    apps: Record<string, Record<string, unknown>>;
  };
  edit(config);
  await writeFile(paths.masterConfig, JSON.stringify(config));
}

/** A Keycloak-like admin API: client_credentials tokens, users, groups and memberships. */
async function fakeIdentity(secret: () => string): Promise<
  FakeHttp & {
    users: Map<
      string,
      {
        id: string;
        username: string;
        email?: string;
        groups: Set<string>;
        password?: { value: string; temporary: boolean };
      }
    >;
  }
> {
  const users = new Map<
    string,
    {
      id: string;
      username: string;
      email?: string;
      groups: Set<string>;
      password?: { value: string; temporary: boolean };
    }
  >();
  const groups = [
    { id: 'g1', name: 'admins', path: '/admins' },
    { id: 'g2', name: 'technicians', path: '/technicians' },
  ];
  const admin = '/keycloak/admin/realms/hivematrix';
  const fake = await startFakeHttp((request, res) => {
    const url = new URL(request.url, 'http://x');
    if (url.pathname === '/keycloak/realms/hivematrix/protocol/openid-connect/token') {
      const form = new URLSearchParams(request.body);
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_id') !== 'hivematrix-admin' ||
        form.get('client_secret') !== secret()
      )
        return json(res, 401, { error: 'invalid_client' });
      return json(res, 200, { access_token: 'admin-token', expires_in: 300 });
    }
    if (request.headers.authorization !== 'Bearer admin-token')
      return json(res, 401, { error: 'HTTP 401 Unauthorized' });
    const parts = url.pathname.slice(admin.length).split('/').filter(Boolean);
    const user =
      parts[1] === undefined ? undefined : [...users.values()].find((candidate) => candidate.id === parts[1]);
    const view = (u: { id: string; username: string; email?: string }) => ({
      id: u.id,
      username: u.username,
      email: u.email,
      enabled: true,
    });
    if (parts[0] === 'groups')
      return json(
        res,
        200,
        groups.filter((group) => group.name.includes(url.searchParams.get('search') ?? '')),
      );
    if (parts[0] === 'users' && parts.length === 1 && request.method === 'GET') {
      const username = url.searchParams.get('username');
      const search = url.searchParams.get('search') ?? '';
      return json(
        res,
        200,
        [...users.values()]
          .filter((u) => (username === null ? u.username.includes(search) : u.username === username))
          .map(view),
      );
    }
    if (parts[0] === 'users' && parts.length === 1 && request.method === 'POST') {
      const body = JSON.parse(request.body) as { username: string; email?: string };
      if ([...users.values()].some((u) => u.username === body.username))
        return json(res, 409, { errorMessage: 'User exists with same username' });
      const id = `u${users.size + 1}`;
      users.set(id, {
        id,
        username: body.username,
        ...(body.email === undefined ? {} : { email: body.email }),
        groups: new Set(),
      });
      return json(res, 201, undefined, { location: `${admin}/users/${id}` });
    }
    if (user !== undefined && parts[2] === 'reset-password') {
      user.password = JSON.parse(request.body) as { value: string; temporary: boolean };
      return json(res, 204, undefined);
    }
    if (user !== undefined && parts[2] === 'groups' && parts[3] === undefined)
      return json(
        res,
        200,
        groups.filter((group) => user.groups.has(group.id)),
      );
    if (user !== undefined && parts[2] === 'groups' && parts[3] !== undefined) {
      if (request.method === 'PUT') user.groups.add(parts[3]);
      else user.groups.delete(parts[3]);
      return json(res, 204, undefined);
    }
    return json(res, 404, { error: 'not found' });
  });
  return Object.assign(fake, { users });
}

describe('hivematrix users', () => {
  it('adds a user with a temporary password and groups, lists, changes groups and password through the admin API', async () => {
    const { paths, env } = await createFixture();
    let adminSecret = '';
    const identity = await fakeIdentity(() => adminSecret);
    try {
      await configure(paths, (config) => {
        config.keycloak.upstream_url = identity.url;
        adminSecret = String(config.keycloak.admin_client_secret);
      });
      const add = capture(env);
      assert.equal(
        await main(
          ['users', 'add', 'alice', '--email', 'alice@example.com', '--group', 'admins', '--group', 'technicians'],
          add.io,
        ),
        0,
        add.err(),
      );
      const alice = [...identity.users.values()][0];
      assert.equal(alice?.username, 'alice');
      assert.equal(alice?.password?.temporary, true);
      assert.match(add.out(), new RegExp(`temporary password .*: ${alice?.password?.value ?? 'x'}`));
      assert.deepEqual([...(alice?.groups ?? [])].sort(), ['g1', 'g2']);

      const list = capture(env);
      assert.equal(await main(['users', 'list'], list.io), 0, list.err());
      assert.match(list.out(), /alice\s+alice@example\.com\s+enabled\s+admins,technicians/);

      const groups = capture(env);
      assert.equal(await main(['users', 'groups', 'alice', '--remove', 'admins'], groups.io), 0, groups.err());
      assert.equal(groups.out(), 'alice: technicians\n');

      const passwd = capture(env, 'correct horse battery\n');
      assert.equal(
        await main(['users', 'passwd', 'alice', '--password-stdin', '--permanent'], passwd.io),
        0,
        passwd.err(),
      );
      assert.deepEqual(alice?.password, { type: 'password', value: 'correct horse battery', temporary: false });
      assert.doesNotMatch(passwd.out(), /correct horse/, 'a password given is never printed');

      const missing = capture(env);
      assert.equal(await main(['users', 'groups', 'bob'], missing.io), 1);
      assert.match(missing.err(), /there is no user "bob"/);
      const duplicate = capture(env);
      assert.equal(await main(['users', 'add', 'alice'], duplicate.io), 1);
      assert.match(duplicate.err(), /409.*User exists/);
    } finally {
      await identity.close();
    }
  });

  it('says clearly when the admin client is refused', async () => {
    const { paths, env } = await createFixture();
    const identity = await fakeIdentity(() => 'another-secret');
    try {
      await configure(paths, (config) => {
        config.keycloak.upstream_url = identity.url;
      });
      const run = capture(env);
      assert.equal(await main(['users', 'list'], run.io), 1);
      assert.match(run.err(), /refused the admin client \(HTTP 401/);
    } finally {
      await identity.close();
    }
  });
});

describe('hivematrix token and keys rotate', () => {
  it("mints a service token at core with the service's own secret, and explains user tokens", async () => {
    const { paths, env } = await createFixture();
    let templateSecret = '';
    const core = await startFakeHttp((request, res) => {
      const body = JSON.parse(request.body || '{}') as { calling_service?: string; target_service?: string };
      if (
        request.url === '/service-token' &&
        request.headers.authorization === `Bearer ${templateSecret}` &&
        body.calling_service === 'template'
      ) {
        return json(res, 200, { token: `token-for-${body.target_service ?? ''}` });
      }
      return json(res, 401, { code: 'unauthorized', detail: 'bad secret' });
    });
    try {
      await configure(paths, (config) => {
        templateSecret = String(config.apps.template?.secret);
        config.apps.core = { ...config.apps.core, port: core.port };
      });
      const ok = capture(env);
      assert.equal(await main(['token', '--service', 'template', '--target', 'codex'], ok.io), 0, ok.err());
      assert.equal(ok.out(), 'token-for-codex\n');
      const refused = capture(env);
      assert.equal(await main(['token', '--service', 'helm'], refused.io), 1);
      assert.match(refused.err(), /core refused the service token: bad secret/);
      const user = capture(env);
      assert.equal(await main(['token', '--user', 'alice'], user.io), 2);
      assert.match(user.err(), /sign in at https:\/\/localhost:8443\//);
      const neither = capture(env);
      assert.equal(await main(['token'], neither.io), 1);
    } finally {
      await core.close();
    }
  });

  it('rotates keys with an admin token, and explains when core refuses helm', async () => {
    const { paths, env } = await createFixture();
    const core = await startFakeHttp((request, res) => {
      if (request.url === '/service-token') return json(res, 200, { token: 'helm-service-token' });
      if (request.url === '/api/admin/keys/rotate' && request.headers.authorization === 'Bearer admin-jwt') {
        return json(res, 200, {
          kid: 'k2',
          signs_from: 1_799_990_005,
          previous: { kid: 'k1', retire_after: 1_800_000_000 },
        });
      }
      return json(res, 403, { code: 'users_only', detail: 'This endpoint is for users only' });
    });
    try {
      await configure(paths, (config) => {
        config.apps.core = { ...config.apps.core, port: core.port };
      });
      const refused = capture(env);
      assert.equal(await main(['keys', 'rotate'], refused.io), 1);
      assert.match(refused.err(), /admin users only .*--token/);
      const ok = capture(env);
      assert.equal(await main(['keys', 'rotate', '--token', 'admin-jwt'], ok.io), 0, ok.err());
      assert.match(
        ok.out(),
        /core signs with key k2 from 2027-01-15T05:13:25\.000Z; k1 keeps verifying until 2027-01-15/,
      );
    } finally {
      await core.close();
    }
  });
});
