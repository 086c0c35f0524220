/**
 * The first start: one `admin` in `admins` with a random password in a 0600 file, shown once;
 * later starts (and a concurrent second instance) create nothing. Also boots the real process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { eq } from 'drizzle-orm';
import { freePort, migrate, migrationsDir, openDatabase, type Database } from '@hivematrix/sdk/db';
import { createTestDatabase, type TestDatabase } from '@hivematrix/sdk/testing';
import { loadIdentityConfig } from '../src/config.js';
import { groups, memberships, schema, users } from '../src/db/schema.js';
import { countUsers } from '../src/db/users.js';
import { ensureInitialAdmin, type InitialAdminDeps } from '../src/domain/initial-admin.js';
import { createPasswordHasher, generatePassword } from '../src/domain/passwords.js';
import { ConfigError } from '@hivematrix/sdk';

const main = path.resolve(import.meta.dirname, '../src/main.ts');

describe('identity: first start', () => {
  let database: Database<typeof schema>;

  async function freshDatabase(): Promise<Database<typeof schema>> {
    const created = await createTestDatabase('identity_first');
    const opened = openDatabase({ url: created.url, applicationName: 'identity-test', schema });
    await migrate(opened.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
    const closePool = opened.close;
    return {
      ...opened,
      close: async () => {
        await closePool();
        await created.drop();
      },
    };
  }

  it('creates admin with a random password in a 0600 file, shown once, and never again', async () => {
    database = await freshDatabase();
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-identity-first-'));
    try {
      const announced: string[] = [];
      const passwords = await createPasswordHasher();
      const deps: InitialAdminDeps = {
        db: database.db,
        passwords,
        secretsDir: path.join(instance, 'secrets'),
        generatePassword: () => generatePassword(),
        announce: (text) => announced.push(text),
      };
      const first = await ensureInitialAdmin(deps);
      assert.equal(first.created, true);
      const password = first.password ?? '';
      assert.ok(password.length >= 24, 'at least 24 characters');
      assert.notEqual(password, 'admin');

      const file = path.join(instance, 'secrets', 'admin-password');
      assert.equal(first.file, file);
      assert.equal(await readFile(file, 'utf8'), `${password}\n`);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.equal((await stat(path.join(instance, 'secrets'))).mode & 0o777, 0o700);
      assert.equal(announced.length, 1);
      assert.equal(announced[0]?.split(password).length, 2, 'the password is shown exactly once');

      const [admin] = await database.db.select().from(users).where(eq(users.username, 'admin'));
      assert.ok(admin);
      assert.equal(admin.enabled, true);
      assert.equal(admin.temporaryPassword, false);
      assert.equal(await passwords.verify(admin.passwordHash ?? '', password), true);
      const adminGroups = await database.db
        .select({ name: groups.name })
        .from(memberships)
        .innerJoin(groups, eq(groups.id, memberships.groupId))
        .where(eq(memberships.userId, admin.id));
      assert.deepEqual(adminGroups, [{ name: 'admins' }]);

      const second = await ensureInitialAdmin(deps);
      assert.deepEqual(second, { created: false });
      assert.equal(announced.length, 1);
      assert.equal(await readFile(file, 'utf8'), `${password}\n`, 'the file is left alone');
      assert.equal(await countUsers(database.db), 1);
    } finally {
      await database.close();
      await rm(instance, { recursive: true, force: true });
    }
  });

  it('creates exactly one admin when two instances start at once', async () => {
    database = await freshDatabase();
    const instances = await Promise.all([
      mkdtemp(path.join(tmpdir(), 'hm-identity-a-')),
      mkdtemp(path.join(tmpdir(), 'hm-identity-b-')),
    ]);
    try {
      const passwords = await createPasswordHasher();
      const results = await Promise.all(
        instances.map((instance) =>
          ensureInitialAdmin({
            db: database.db,
            passwords,
            secretsDir: path.join(instance, 'secrets'),
            generatePassword: () => generatePassword(),
            announce: () => undefined,
          }),
        ),
      );
      assert.deepEqual(results.map((result) => result.created).sort(), [false, true]);
      assert.equal(await countUsers(database.db), 1);
    } finally {
      await database.close();
      await Promise.all(instances.map((instance) => rm(instance, { recursive: true, force: true })));
    }
  });

  it('refuses an http issuer unless allowed, and the same secret for both clients', () => {
    const base = { HIVEMATRIX_INSTANCE_DIR: tmpdir(), DATABASE_URL: 'postgres://x@127.0.0.1/db' };
    const secret = 's'.repeat(40);
    assert.throws(
      () =>
        loadIdentityConfig({
          ...base,
          IDENTITY_ISSUER: 'http://example.test/keycloak/realms/hivematrix',
          IDENTITY_GATEWAY_CLIENT_SECRET: secret,
          IDENTITY_ADMIN_CLIENT_SECRET: 'a'.repeat(40),
        }),
      (error: unknown) => error instanceof ConfigError && /IDENTITY_ALLOW_HTTP_ISSUER/.test(error.message),
    );
    assert.throws(
      () =>
        loadIdentityConfig({ ...base, IDENTITY_GATEWAY_CLIENT_SECRET: secret, IDENTITY_ADMIN_CLIENT_SECRET: secret }),
      (error: unknown) =>
        error instanceof ConfigError && /must differ/.test(error.message) && !error.message.includes(secret),
    );
    assert.throws(
      () =>
        loadIdentityConfig({
          ...base,
          IDENTITY_ISSUER: 'https://example.test/keycloak',
          IDENTITY_GATEWAY_CLIENT_SECRET: 'short',
          IDENTITY_ADMIN_CLIENT_SECRET: secret,
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /IDENTITY_ISSUER/.test(error.message) &&
        /IDENTITY_GATEWAY_CLIENT_SECRET/.test(error.message) &&
        !error.message.includes('short'),
    );
  });
});

describe('identity: the real process', () => {
  let testDb: TestDatabase;
  let instance: string;

  before(async () => {
    testDb = await createTestDatabase('identity_boot');
    instance = await mkdtemp(path.join(tmpdir(), 'hm-identity-boot-'));
  });
  after(async () => {
    await testDb.drop();
    await rm(instance, { recursive: true, force: true });
  });

  /** Boots main.ts; resolves once it listens, with everything it printed that was not a JSON log line. */
  async function boot(port: number): Promise<{ child: ChildProcessWithoutNullStreams; plain: string[] }> {
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        PATH: process.env.PATH,
        HIVEMATRIX_INSTANCE_DIR: instance,
        PORT: String(port),
        LOG_LEVEL: 'info',
        DATABASE_URL: testDb.url,
        IDENTITY_GATEWAY_CLIENT_SECRET: 'g'.repeat(40),
        IDENTITY_ADMIN_CLIENT_SECRET: 'a'.repeat(40),
      },
    });
    const plain: string[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`identity exited with ${code}: ${stderr}`)));
      lines.on('line', (line) => {
        if (!line.startsWith('{')) plain.push(line);
        else if (line.includes('Server listening')) resolve();
      });
    });
    return { child, plain };
  }

  async function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  }

  it('prints the first admin password once, serves health and discovery, and prints nothing the second time', async () => {
    const port = await freePort();
    const first = await boot(port);
    try {
      const password = (await readFile(path.join(instance, 'secrets', 'admin-password'), 'utf8')).trim();
      assert.ok(first.plain.some((line) => line.includes(`password: ${password}`)));
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(health.status, 200);
      const discovery = (await (
        await fetch(`http://127.0.0.1:${port}/keycloak/realms/hivematrix/.well-known/openid-configuration`)
      ).json()) as {
        issuer: string;
      };
      assert.equal(discovery.issuer, 'https://localhost:8443/keycloak/realms/hivematrix');
    } finally {
      assert.equal(await stop(first.child), 0);
    }

    const second = await boot(port);
    try {
      assert.deepEqual(
        second.plain.filter((line) => line.includes('password')),
        [],
      );
      // Answering a request proves the boot finished (signal handlers are installed after listen).
      assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
    } finally {
      assert.equal(await stop(second.child), 0);
    }
    const opened = openDatabase({ url: testDb.url, applicationName: 'identity-test', schema });
    try {
      assert.equal(await countUsers(opened.db), 1);
    } finally {
      await opened.close();
    }
  });

  it('exits with status 78 naming every bad variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        PATH: process.env.PATH,
        HIVEMATRIX_INSTANCE_DIR: instance,
        PORT: '70000',
        IDENTITY_ISSUER: 'https://example.test/',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 78, stderr);
    for (const variable of [
      'PORT',
      'IDENTITY_ISSUER',
      'DATABASE_URL',
      'IDENTITY_GATEWAY_CLIENT_SECRET',
      'IDENTITY_ADMIN_CLIENT_SECRET',
    ]) {
      assert.match(stderr, new RegExp(variable));
    }
  });
});
