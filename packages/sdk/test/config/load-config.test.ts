import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, describeConfig, formatConfigHelp, loadConfig } from '../../src/config/load-config.js';
import { baseServiceEnv, servicePort, zUrl } from '../../src/config/base-schema.js';

const schema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(5040),
  DATABASE_URL: zUrl.describe('PostgreSQL URL of the service database'),
});

const SECRET = 'x'.repeat(40);

function expectConfigError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'hm-config-'));
}

describe('loadConfig', () => {
  it('applies the defaults and returns typed values', () => {
    const config = loadConfig(schema, {
      env: { SERVICE_NAME: 'template', DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' },
    });
    assert.equal(config.SERVICE_NAME, 'template');
    assert.equal(config.PORT, 5040);
    assert.equal(config.HOST, '127.0.0.1');
    assert.equal(config.LOG_LEVEL, 'info');
    assert.equal(config.CORE_SERVICE_URL, 'http://127.0.0.1:5000');
    assert.equal(config.NEXUS_URL, 'https://localhost:8443');
    assert.equal(config.HELM_SERVICE_URL, undefined);
    assert.equal(config.SERVICE_SECRET, undefined);
    assert.deepEqual(config.TRUSTED_PROXIES, ['127.0.0.1', '::1']);
    assert.equal(config.SERVICES_FILE, undefined);
  });

  it('parses given values: port, level alias, list, URL without trailing slash', () => {
    const config = loadConfig(schema, {
      env: {
        SERVICE_NAME: 'codex',
        DATABASE_URL: 'postgres://127.0.0.1/codex',
        PORT: '5010',
        LOG_LEVEL: 'WARNING',
        HELM_SERVICE_URL: 'http://127.0.0.1:5004/',
        TRUSTED_PROXIES: '10.0.0.1, 10.1.0.0/16 ,fd00::/8,',
        SERVICE_SECRET: SECRET,
      },
    });
    assert.equal(config.PORT, 5010);
    assert.equal(config.LOG_LEVEL, 'warn');
    assert.equal(config.HELM_SERVICE_URL, 'http://127.0.0.1:5004');
    assert.deepEqual(config.TRUSTED_PROXIES, ['10.0.0.1', '10.1.0.0/16', 'fd00::/8']);
    assert.equal(config.SERVICE_SECRET, SECRET);
  });

  it('names every bad variable in one error, one per line, with the reason', () => {
    const error = expectConfigError(() =>
      loadConfig(schema, {
        env: { SERVICE_NAME: 'Bad Name', PORT: 'abc', LOG_LEVEL: 'loud', TRUSTED_PROXIES: '1.2.3.4,nope' },
      }),
    );
    const lines = error.message.split('\n');
    assert.match(lines[0] ?? '', /Invalid configuration \(5 problems\)/);
    assert.ok(lines.includes('  PORT: expected a whole number from 1 to 65535, got "abc"'), error.message);
    assert.ok(
      lines.some((line) => /^ {2}LOG_LEVEL: expected one of fatal, .*, got "loud"$/.test(line)),
      error.message,
    );
    assert.ok(lines.some((line) => /^ {2}SERVICE_NAME: expected a lowercase name.*got "Bad Name"$/.test(line)));
    assert.ok(
      lines.some((line) => /^ {2}TRUSTED_PROXIES: .*item 2 is not/.test(line)),
      error.message,
    );
    assert.ok(
      lines.includes('  DATABASE_URL: required but not set (PostgreSQL URL of the service database)'),
      error.message,
    );
    assert.deepEqual(error.issues.map((issue) => issue.variable).sort(), [
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'SERVICE_NAME',
      'TRUSTED_PROXIES',
    ]);
  });

  it('rejects out-of-range and non-integer ports', () => {
    for (const port of ['0', '65536', '80.5', '-1']) {
      const error = expectConfigError(() =>
        loadConfig(schema, { env: { SERVICE_NAME: 'a', DATABASE_URL: 'postgres://h/d', PORT: port } }),
      );
      assert.match(error.message, /PORT: expected a whole number from 1 to 65535/);
    }
  });

  it('never prints the value of a variable whose name looks secret', () => {
    const secretSchema = z.object({
      SERVICE_SECRET: baseServiceEnv.SERVICE_SECRET,
      DB_PASSWORD: z
        .string()
        .refine((value) => value.length > 20, { error: (issue) => `too short: ${String(issue.input)}` }),
      API_TOKEN: z.enum(['a', 'b']),
      DATABASE_URL: z.url().refine(() => false, { error: 'not accepted' }),
    });
    const error = expectConfigError(() =>
      loadConfig(secretSchema, {
        env: {
          SERVICE_SECRET: 'short-secret-value',
          DB_PASSWORD: 'hunter2hunter',
          API_TOKEN: 'tok-abcdef',
          DATABASE_URL: 'postgres://user:dbpass99@127.0.0.1/db',
        },
      }),
    );
    for (const value of ['short-secret-value', 'hunter2hunter', 'tok-abcdef', 'dbpass99']) {
      assert.ok(!error.message.includes(value), `${value} leaked in:\n${error.message}`);
    }
    assert.match(error.message, /SERVICE_SECRET: expected at least 32 characters \(value hidden\)/);
    assert.match(error.message, /DB_PASSWORD: .*\(value hidden\)/);
    // A URL's password is masked even when the variable name is not secret.
    assert.match(error.message, /DATABASE_URL: not accepted, got "postgres:\/\/user:\*\*\*@127\.0\.0\.1\/db"/);
  });

  it('lets the environment override the env file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, '.env');
    await writeFile(
      file,
      [
        'SERVICE_NAME=template',
        'PORT=6001',
        'LOG_LEVEL=debug',
        'DATABASE_URL="postgres://h/fromfile"',
        '# comment',
        '',
      ].join('\n'),
    );
    const config = loadConfig(schema, { env: { PORT: '6002', LOG_LEVEL: undefined }, envFile: file });
    assert.equal(config.PORT, 6002);
    assert.equal(config.LOG_LEVEL, 'debug', 'an undefined entry in env does not hide the file value');
    assert.equal(config.DATABASE_URL, 'postgres://h/fromfile');
    assert.equal(config.SERVICE_NAME, 'template');
  });

  it('treats an empty value as unset, so the default applies', async () => {
    const dir = await tempDir();
    const file = path.join(dir, '.env');
    await writeFile(file, 'SERVICE_NAME=a\nDATABASE_URL=postgres://h/d\nHOST=0.0.0.0\nHELM_SERVICE_URL=\n');
    const config = loadConfig(schema, { env: { HOST: '' }, envFile: file });
    assert.equal(config.HOST, '127.0.0.1');
    assert.equal(config.HELM_SERVICE_URL, undefined);
  });

  it('accepts a missing env file', async () => {
    const dir = await tempDir();
    const config = loadConfig(schema, {
      env: { SERVICE_NAME: 'a', DATABASE_URL: 'postgres://h/d' },
      envFile: path.join(dir, 'template', '.env'),
    });
    assert.equal(config.SERVICE_NAME, 'a');
  });

  it('fails on an env file that cannot be read', async () => {
    const dir = await tempDir();
    const notAFile = path.join(dir, '.env');
    await mkdir(notAFile);
    const error = expectConfigError(() =>
      loadConfig(schema, { env: { SERVICE_NAME: 'a', DATABASE_URL: 'postgres://h/d' }, envFile: notAFile }),
    );
    assert.match(error.message, /cannot read the env file/);
    assert.ok(error.message.includes(notAFile));
  });
});

describe('describeConfig', () => {
  it('lists every variable with its description, default and whether it is required', () => {
    const variables = describeConfig(schema);
    const byName = new Map(variables.map((variable) => [variable.name, variable]));
    assert.equal(variables.length, Object.keys(schema.shape).length);
    for (const variable of variables) assert.ok(variable.description, `${variable.name} has no description`);
    assert.deepEqual(
      { ...byName.get('PORT'), description: undefined },
      { name: 'PORT', description: undefined, required: false, default: '5040', secret: false },
    );
    assert.equal(byName.get('TRUSTED_PROXIES')?.default, '127.0.0.1,::1');
    assert.equal(byName.get('LOG_LEVEL')?.default, 'info');
    assert.equal(byName.get('SERVICE_NAME')?.required, true);
    assert.equal(byName.get('DATABASE_URL')?.required, true);
    assert.equal(byName.get('HELM_SERVICE_URL')?.required, false);
    assert.equal(byName.get('HELM_SERVICE_URL')?.default, undefined);
    assert.equal(byName.get('SERVICE_SECRET')?.secret, true);

    const help = formatConfigHelp(schema);
    assert.match(help, /^HOST \(default 127\.0\.0\.1\) {2}Address to listen on/m);
    assert.match(help, /^SERVICE_NAME \(required\)/m);
    assert.match(help, /^SERVICE_SECRET \(optional\)/m);
  });
});
