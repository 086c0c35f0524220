/** `logs`, `new-service`, `install`, `systemd` and `doctor`. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { appendFile, chmod, cp, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPOSITORY_ROOT } from '../src/config.js';
import { logsCommand } from '../src/cli/commands/logs.js';
import { renameTemplate } from '../src/cli/commands/new-service.js';
import { main } from '../src/cli/main.js';
import type { CliContext } from '../src/cli/io.js';
import { loadPlatform } from '../src/generate/sync.js';
import { AUTO_PORT_RANGE } from '../src/registry/ports.js';
import { createFixture } from './platform-fixture.js';

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  let onOut: (() => void) | undefined;
  return {
    io: {
      out: (text: string) => {
        out.push(text);
        onOut?.();
      },
      err: (text: string) => err.push(text),
      isTTY: false,
      env,
    },
    out: () => out.join(''),
    err: () => err.join(''),
    /** Resolves once the output contains `text`. */
    waitFor: (text: string) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (out.join('').includes(text)) resolve();
        };
        onOut = check;
        check();
      }),
  };
}

const line = (time: string, level: string, msg: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ level, time, service: 'x', msg, ...extra })}\n`;

describe('hivematrix logs', () => {
  it('merges services by time and filters by level, text and time', async () => {
    const { paths, env } = await createFixture({ apps: [] });
    await mkdir(paths.logsDir, { recursive: true });
    await writeFile(
      paths.logFile('core'),
      line('2026-11-25T10:00:00.000Z', 'info', 'core up') +
        line('2026-11-25T10:00:03.000Z', 'error', 'core boom', { err: { message: 'ECONNREFUSED' } }),
    );
    await writeFile(
      paths.logFile('template.log'.replace('.log', '')),
      line('2026-11-25T10:00:01.000Z', 'warn', 'template slow') +
        'a raw stack line\n' +
        line('2026-11-25T10:00:02.000Z', 'debug', 'template detail'),
    );
    await writeFile(`${paths.logFile('core')}.1`, line('2026-11-25T09:00:00.000Z', 'info', 'core old'));

    const all = capture(env);
    assert.equal(await main(['logs'], all.io), 0, all.err());
    assert.deepEqual(
      all
        .out()
        .trim()
        .split('\n')
        .map((text) => text.replace(/^\S+ /, '')),
      [
        'INFO  [core] core up',
        'WARN  [template] template slow',
        'INFO  [template] a raw stack line',
        'DEBUG [template] template detail',
        'ERROR [core] core boom (ECONNREFUSED)',
      ],
    );
    const warn = capture(env);
    await main(['logs', '--level', 'warn'], warn.io);
    assert.deepEqual(
      warn
        .out()
        .trim()
        .split('\n')
        .map((text) => text.replace(/^\S+ /, '')),
      ['WARN  [template] template slow', 'ERROR [core] core boom (ECONNREFUSED)'],
    );
    const grep = capture(env);
    await main(['logs', 'template', '--grep', 'RAW'], grep.io);
    assert.match(
      grep.out(),
      /^\S+ INFO {2}\[template\] a raw stack line\n$/,
      'a raw line takes the time of the line before it',
    );
    const json = capture(env);
    await main(['logs', 'core', '-n', '1', '--json'], json.io);
    assert.equal(
      json.out(),
      line('2026-11-25T10:00:03.000Z', 'error', 'core boom', { err: { message: 'ECONNREFUSED' } }),
    );
    const since = capture(env);
    const context: CliContext = { io: since.io, paths };
    await logsCommand(context, 'core', { since: '80m', now: Date.parse('2026-11-25T10:30:00.000Z') });
    assert.doesNotMatch(since.out(), /core old/);
    await logsCommand(context, 'core', { since: '2h', now: Date.parse('2026-11-25T10:30:00.000Z') });
    assert.match(since.out(), /core old/, 'rotated files are read for --since');
    const bad = capture(env);
    assert.equal(await main(['logs', '--level', 'loud'], bad.io), 1);
    assert.match(bad.err(), /unknown level "loud"/);
  });

  it('follows new lines, including after a rotation', async () => {
    const { paths, env } = await createFixture({ apps: [] });
    await mkdir(paths.logsDir, { recursive: true });
    await writeFile(paths.logFile('web'), line('2026-11-25T10:00:00.000Z', 'info', 'before'));
    const run = capture(env);
    const controller = new AbortController();
    const following = logsCommand({ io: run.io, paths }, 'web', {
      follow: true,
      level: 'info',
      signal: controller.signal,
    });
    await run.waitFor('before');
    await appendFile(
      paths.logFile('web'),
      line('2026-11-25T10:00:01.000Z', 'info', 'appended') + line('2026-11-25T10:00:01.000Z', 'debug', 'hidden'),
    );
    await run.waitFor('appended');
    await writeFile(paths.logFile('web'), line('2026-11-25T10:00:02.000Z', 'info', 'after rotation'));
    await run.waitFor('after rotation');
    controller.abort();
    await following;
    assert.doesNotMatch(run.out(), /hidden/);
  });
});

describe('hivematrix new-service', () => {
  it('renames identifiers, strings and the port in the template text', () => {
    const source =
      "export const SERVICE_NAME = 'template';\nexport const DEFAULT_PORT = 5040;\nexport type TemplateConfig = 1;\nconst templateEnvSchema = 2; // instance/template/.env\n";
    assert.equal(
      renameTemplate(source, 'asset-tracker', 5123),
      "export const SERVICE_NAME = 'asset-tracker';\nexport const DEFAULT_PORT = 5123;\nexport type AssetTrackerConfig = 1;\nconst assetTrackerEnvSchema = 2; // instance/asset-tracker/.env\n",
    );
  });

  it('copies the template into a service that is registered, configured and boots', async () => {
    const { paths, env } = await createFixture({ apps: [{ dir: 'services/helm', manifest: { service: 'helm' } }] });
    await cp(path.join(REPOSITORY_ROOT, 'services', 'template'), path.join(paths.root, 'services', 'template'), {
      recursive: true,
      filter: (file) => path.basename(file) !== 'node_modules',
    });
    await symlink(path.join(REPOSITORY_ROOT, 'node_modules'), path.join(paths.root, 'node_modules'));
    const run = capture(env);
    assert.equal(await main(['new-service', 'demo'], run.io), 0, run.err());
    const manifest = JSON.parse(await readFile(path.join(paths.root, 'services', 'demo', 'package.json'), 'utf8')) as {
      name: string;
      hivematrix: { service: string; port: number };
    };
    assert.equal(manifest.name, '@hivematrix/demo');
    assert.equal(manifest.hivematrix.service, 'demo');
    const port = manifest.hivematrix.port;
    assert.ok(port >= AUTO_PORT_RANGE.first && port <= AUTO_PORT_RANGE.last);
    const config = await readFile(path.join(paths.root, 'services', 'demo', 'src', 'config.ts'), 'utf8');
    assert.match(config, /SERVICE_NAME = 'demo'/);
    assert.match(config, new RegExp(`DEFAULT_PORT = ${port}`));
    assert.match(config, /export function loadDemoConfig/);
    const services = JSON.parse(await readFile(paths.servicesFile, 'utf8')) as Record<
      string,
      { port: number; url: string }
    >;
    assert.equal(services.demo?.port, port);
    assert.match(await readFile(paths.envFile('demo'), 'utf8'), /DATABASE_URL="postgres:\/\/demo:/);
    assert.match(run.out(), /the platform is not running/);

    // The renamed code loads and runs: a bad configuration is refused with status 78, naming the service's variables.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(paths.root, 'services', 'demo', 'src', 'main.ts')],
      {
        cwd: REPOSITORY_ROOT,
        env: { PATH: process.env.PATH, HIVEMATRIX_INSTANCE_DIR: path.join(paths.root, 'nowhere'), PORT: 'x' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 78, stderr);
    assert.match(stderr, /DATABASE_URL/);

    const again = capture(env);
    assert.equal(await main(['new-service', 'demo'], again.io), 1);
    assert.match(again.err(), /already exists/);
    const reserved = capture(env);
    assert.equal(await main(['new-service', 'login'], reserved.io), 1);
    assert.match(reserved.err(), /a path the gateway uses itself/);
    const invalid = capture(env);
    assert.equal(await main(['new-service', 'Bad_Name'], invalid.io), 1);
  });
});

describe('hivematrix install', () => {
  async function appFolder(parent: string, name: string): Promise<string> {
    const dir = path.join(parent, `${name}-source`);
    await mkdir(path.join(dir, 'src'), { recursive: true });
    await writeFile(
      path.join(dir, 'package.json'),
      JSON.stringify({ name, hivematrix: { service: name, install: 'echo prepared > install-marker' } }),
    );
    await writeFile(path.join(dir, 'src', 'main.ts'), '// app\n');
    return dir;
  }

  it('installs from a local folder and from a git repository, runs the install step and registers the app', async () => {
    const { paths, env } = await createFixture({ appsDir: true });
    const folder = await appFolder(paths.root, 'reports');
    const run = capture(env);
    assert.equal(await main(['install', folder], run.io), 0, run.err());
    const installed = path.join(paths.appsDir, 'reports');
    assert.equal((await readFile(path.join(installed, 'install-marker'), 'utf8')).trim(), 'prepared');
    const services = JSON.parse(await readFile(paths.servicesFile, 'utf8')) as Record<string, unknown>;
    assert.ok(services.reports !== undefined);

    const repository = await appFolder(paths.root, 'assets');
    const git = promisify(execFile);
    const gitEnv = {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@x',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@x',
    };
    await git('git', ['init', '-q'], { cwd: repository, env: gitEnv });
    await git('git', ['add', '.'], { cwd: repository, env: gitEnv });
    await git('git', ['commit', '-qm', 'app'], { cwd: repository, env: gitEnv });
    const cloned = capture(env);
    assert.equal(await main(['install', `file://${repository}`], cloned.io), 0, cloned.err());
    assert.ok(await stat(path.join(paths.appsDir, 'assets', '.git')));
    assert.ok((await loadPlatform(paths)).platform.apps.some((app) => app.name === 'assets' && app.installed));

    const twice = capture(env);
    assert.equal(await main(['install', folder], twice.io), 1);
    assert.match(twice.err(), /"reports" is already installed/);
    const notAnApp = capture(env);
    await mkdir(path.join(paths.root, 'empty'));
    assert.equal(await main(['install', path.join(paths.root, 'empty')], notAnApp.io), 1);
    assert.match(notAnApp.err(), /is not a HiveMatrix app/);
  });
});

describe('hivematrix systemd and doctor', () => {
  it('writes a unit that runs the helm daemon and lets it stop the services', async () => {
    const { paths, env } = await createFixture();
    await loadPlatform(paths);
    const run = capture(env);
    assert.equal(await main(['systemd'], run.io), 0, run.err());
    const unit = await readFile(path.join(paths.instance, 'hivematrix.service'), 'utf8');
    assert.match(
      unit,
      new RegExp(
        `ExecStart=${process.execPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --import file:\\S+tsx\\S+ ${paths.root}/services/helm/src/main.ts`,
      ),
    );
    assert.match(unit, /KillMode=mixed/);
    assert.match(unit, new RegExp(`Environment=HIVEMATRIX_INSTANCE_DIR=${paths.instance}`));
    assert.doesNotMatch(unit, /CAP_NET_BIND_SERVICE/, 'no capability for the default port 8443');
  });

  it('finds a secret readable by others and a port taken by another program, and says how to fix them', async () => {
    const { paths, env } = await createFixture();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await loadPlatform(paths);
      const config = JSON.parse(await readFile(paths.masterConfig, 'utf8')) as {
        apps: Record<string, Record<string, unknown>>;
      };
      config.apps.template = { ...config.apps.template, port: taken };
      await writeFile(paths.masterConfig, JSON.stringify(config), { mode: 0o600 });
      await main(['config', 'sync'], capture(env).io);
      await chmod(paths.envFile('identity'), 0o644);
      const run = capture(env);
      assert.equal(await main(['doctor'], run.io), 1);
      const text = run.out();
      assert.match(text, new RegExp(`✗ permissions .*identity/\\.env .* is 644`));
      assert.match(
        text,
        new RegExp(`fix: chmod 600 ${paths.envFile('identity').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
      );
      assert.match(text, new RegExp(`✗ ports +${taken}, needed by template, is in use by pid ${process.pid}`));
      assert.match(text, /✓ node/);
      assert.match(text, /✓ registry/);
      const json = capture(env);
      await main(['doctor', '--json'], json.io);
      const findings = JSON.parse(json.out()) as { verdict: string; check: string }[];
      assert.ok(findings.some((finding) => finding.check === 'postgresql'));
    } finally {
      blocker.close();
    }
  });
});
