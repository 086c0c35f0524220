/**
 * The real thing: ./start.sh brings up the helm daemon, the embedded PostgreSQL and the template
 * service (on free ports, in a throwaway instance folder), `hivematrix status --json` reports
 * them, a second ./start.sh is harmless, and `hivematrix stop` leaves no process behind.
 * Identity, core and nexus are disabled here: their own tests cover them, and the full platform
 * run is the end-to-end suite's job.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@hivematrix/sdk/db';
import { REPOSITORY_ROOT } from '../src/config.js';
import { main } from '../src/cli/main.js';
import type { StatusReport } from '../src/cli/commands/status.js';
import { liveGroupMembers, processAlive } from '../src/supervisor/process-group.js';

const HIVEMATRIX = path.join(REPOSITORY_ROOT, 'services', 'helm', 'bin', 'hivematrix.js');

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPOSITORY_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('./start.sh, hivematrix status and stop', () => {
  it('starts the platform in the background, reports it, and stops it without leaving a process', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'hm-platform-'));
    await chmod(base, 0o755);
    const instance = path.join(base, 'instance');
    const { NODE_TEST_CONTEXT: _testContext, ...inherited } = process.env;
    const env: Record<string, string> = { ...(inherited as Record<string, string>), HIVEMATRIX_INSTANCE_DIR: instance };

    // Create the master configuration, then keep this run to helm and the template on free ports.
    const quiet = { out: () => undefined, err: () => undefined, isTTY: false, env };
    assert.equal(await main(['update-config'], quiet), 0);
    const configFile = path.join(instance, 'configs', 'master_config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as {
      apps: Record<string, Record<string, unknown>>;
      supervisor: Record<string, unknown>;
    };
    for (const name of Object.keys(config.apps))
      if (name !== 'helm' && name !== 'template') config.apps[name] = { ...config.apps[name], enabled: false };
    const helmPort = await freePort();
    const templatePort = await freePort();
    config.apps.helm = { ...config.apps.helm, port: helmPort };
    // A new installation leaves the template off (enabled_by_default: false); this run turns it on.
    config.apps.template = { ...config.apps.template, port: templatePort, enabled: true };
    // Without core the template is not healthy; do not wait long for it to recover.
    config.supervisor = { ...config.supervisor, ready_timeout_s: 1, stop_grace_s: 5 };
    await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });

    const started = await run(path.join(REPOSITORY_ROOT, 'start.sh'), [], env);
    let report: StatusReport | undefined;
    try {
      assert.equal(started.code, 0, `${started.stdout}\n${started.stderr}`);
      assert.match(started.stdout, /✓ postgresql +embedded, 127\.0\.0\.1:\d+/);
      assert.match(started.stdout, new RegExp(`✓ helm +http://127\\.0\\.0\\.1:${helmPort}`));
      assert.match(started.stdout, /[✓!] template/);
      assert.match(started.stdout, /- core +disabled/);
      assert.match(started.stdout, /HiveMatrix is running at https:\/\/localhost:8443/);
      // The first start generates the passphrase of scheduled backups and says where it is.
      assert.match(started.stdout, /generated the backup passphrase in secrets\/backup-passphrase/);
      assert.match(
        started.stdout,
        /backup passphrase: .*secrets\/backup-passphrase \(scheduled backups are encrypted with it/,
      );
      assert.equal((await stat(path.join(instance, 'secrets', 'backup-passphrase'))).mode & 0o777, 0o600);

      const status = await run(process.execPath, [HIVEMATRIX, 'status', '--json'], env);
      assert.equal(status.code, 0, status.stderr);
      report = JSON.parse(status.stdout) as StatusReport;
      assert.equal(report.running, true);
      const helm = report.services.find((service) => service.name === 'helm');
      const template = report.services.find((service) => service.name === 'template');
      assert.equal(helm?.state, 'running');
      assert.equal(helm?.pid, report.daemon?.pid);
      assert.equal(template?.state, 'running');
      assert.equal(template?.port, templatePort);
      assert.ok(template?.pid !== null && template?.pid !== undefined && processAlive(template.pid));
      // Core is disabled, so the template's revocation feed never catches up: it accepts no user
      // token and says so (unhealthy), while still answering its health route.
      assert.ok(['degraded', 'unhealthy'].includes(template.health), template.health);
      assert.ok((template.memory_mb ?? 0) > 0);
      assert.equal(report.services.find((service) => service.name === 'core')?.state, 'disabled');
      const health = await fetch(`http://127.0.0.1:${templatePort}/health`).then(
        (response) => response.json() as Promise<{ service: string }>,
      );
      assert.equal(health.service, 'template');

      const again = await run(path.join(REPOSITORY_ROOT, 'start.sh'), [], env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /already running/);
      const log = await readFile(path.join(instance, 'logs', 'template.log'), 'utf8');
      assert.match(log, /started template \(pid \d+\)/);
    } finally {
      const stopped = await run(process.execPath, [HIVEMATRIX, 'stop'], env);
      assert.equal(stopped.code, 0, stopped.stderr);
    }

    const daemonPid = report?.daemon?.pid ?? 0;
    const templatePid = report?.services.find((service) => service.name === 'template')?.pid ?? 0;
    assert.equal(processAlive(daemonPid), false, 'helm is gone');
    assert.equal(processAlive(templatePid), false, 'the template is gone');
    assert.deepEqual(liveGroupMembers(templatePid), [], "nothing of the template's process group is left");
    await assert.rejects(stat(path.join(instance, 'postgres', 'postmaster.pid')), 'PostgreSQL stopped cleanly');
    await assert.rejects(stat(path.join(instance, 'run', 'helm.pid')));
    await assert.rejects(stat(path.join(instance, 'run', 'helm.sock')));
    const after = await run(process.execPath, [HIVEMATRIX, 'status', '--json'], env);
    assert.equal((JSON.parse(after.stdout) as StatusReport).running, false);

    // A daemon killed outright leaves its services and PostgreSQL behind; `stop` cleans them up.
    const restarted = await run(process.execPath, [HIVEMATRIX, 'start'], env);
    assert.equal(restarted.code, 0, `${restarted.stdout}\n${restarted.stderr}`);
    assert.match(
      restarted.stdout,
      /✓ configuration +generated files up to date/,
      'a second start keeps every generated file',
    );
    const live = JSON.parse(
      (await run(process.execPath, [HIVEMATRIX, 'status', '--json'], env)).stdout,
    ) as StatusReport;
    const orphan = live.services.find((service) => service.name === 'template')?.pid ?? 0;
    const postgresPid = Number.parseInt(await readFile(path.join(instance, 'postgres', 'postmaster.pid'), 'utf8'), 10);
    process.kill(live.daemon?.pid ?? 0, 'SIGKILL');
    const cleaned = await run(process.execPath, [HIVEMATRIX, 'stop'], env);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.match(cleaned.stdout, /helm was not running; stopped what it had left: template, postgresql/);
    assert.equal(processAlive(orphan), false);
    assert.deepEqual(liveGroupMembers(orphan), []);
    assert.equal(processAlive(postgresPid), false);
  });
});
