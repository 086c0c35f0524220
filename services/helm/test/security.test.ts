/** The security audit: exposed ports from the registry, readable secrets, certificate, scripts, CLI. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { ensureBackupPassphrase } from '../src/backup/passphrase.js';
import { main } from '../src/cli/main.js';
import { loadPlatform, type LoadedPlatform } from '../src/generate/sync.js';
import { runSecurityAudit } from '../src/security/audit.js';
import { iptablesScript, ufwScript } from '../src/security/firewall.js';
import { decodeAddress, parseProcNetTcp } from '../src/security/listeners.js';
import type { AuditReport } from '../src/security/findings.js';
import { startConsole, type Console } from './console-harness.js';
import { createFixture, FIXTURE_REGISTRY } from './platform-fixture.js';

const listen = (host: string): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => resolve(server));
  });
const portOf = (server: Server): number => (server.address() as AddressInfo).port;

describe('security audit', () => {
  let exposed: Server;
  let private_: Server;
  let loaded: LoadedPlatform;
  let env: Record<string, string>;
  let c: Console | undefined;

  before(async () => {
    exposed = await listen('0.0.0.0');
    private_ = await listen('127.0.0.1');
    const registry = {
      ...FIXTURE_REGISTRY,
      default_apps: {
        ...FIXTURE_REGISTRY.default_apps,
        exposedsvc: { port: portOf(exposed), install_order: 20 },
        privatesvc: { port: portOf(private_), install_order: 21 },
      },
    };
    const apps = ['identity', 'core', 'helm', 'nexus', 'template', 'exposedsvc', 'privatesvc'].map((name) => ({
      dir: `services/${name}`,
      manifest: { service: name },
    }));
    const fixture = await createFixture({ registry, apps });
    env = fixture.env;
    loaded = await loadPlatform(fixture.paths);
    // A secret left world-readable, and a generated certificate that expires in 5 days.
    await mkdir(path.dirname(loaded.paths.envFile('template')), { recursive: true });
    await writeFile(loaded.paths.envFile('template'), 'SERVICE_SECRET=x\n');
    await chmod(loaded.paths.envFile('template'), 0o644);
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      notBeforeDate: new Date(Date.now() - 86_400_000),
      notAfterDate: new Date(Date.now() + 5 * 86_400_000),
    });
    await mkdir(loaded.paths.certsDir, { recursive: true });
    await writeFile(path.join(loaded.paths.certsDir, 'nexus.crt'), pems.cert);
    c = await startConsole({
      audit: () => runSecurityAudit(loaded),
      ufwScript: () => ufwScript(loaded),
      iptablesScript: () => iptablesScript(loaded),
    });
  });

  after(async () => {
    exposed.close();
    private_.close();
    await c?.close();
  });

  it('decodes the kernel socket tables', () => {
    assert.equal(decodeAddress('0100007F'), '127.0.0.1');
    assert.equal(decodeAddress('00000000000000000000000001000000'), '::1');
    assert.equal(decodeAddress('0000000000000000FFFF00000100007F'), '::ffff:127.0.0.1');
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0',
      '   1: 0100007F:1388 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 100 0 0 10 0',
    ].join('\n');
    assert.deepEqual(parseProcNetTcp(table), [{ address: '0.0.0.0', port: 8080 }]);
  });

  it('flags a registry service bound to 0.0.0.0 as high, and not one bound to loopback', async () => {
    const report = await runSecurityAudit(loaded);
    const ports = report.findings.filter((finding) => finding.check === 'ports');
    const mine = ports.find((finding) => finding.title.startsWith('exposedsvc '));
    assert.ok(mine, JSON.stringify(ports));
    assert.equal(mine.severity, 'high');
    assert.match(mine.title, new RegExp(`0\\.0\\.0\\.0:${portOf(exposed)}$`));
    assert.ok(!ports.some((finding) => finding.title.startsWith('privatesvc ')));
    assert.equal(report.high, true);
  });

  it('flags readable secrets, a certificate about to expire, the admin password file and plain-HTTP settings', async () => {
    await mkdir(path.dirname(loaded.paths.adminPasswordFile), { recursive: true });
    await writeFile(loaded.paths.adminPasswordFile, 'first-password', { mode: 0o600 });
    const report = await runSecurityAudit(loaded, { ufwConf: path.join(loaded.paths.instance, 'no-ufw.conf') });
    const find = (check: string) => report.findings.filter((finding) => finding.check === check);
    assert.deepEqual(
      find('secrets').map((finding) => [finding.severity, finding.title]),
      [['high', 'template/.env is readable by other users']],
    );
    assert.equal(find('certificate')[0]?.severity, 'medium');
    assert.equal(find('admin_password')[0]?.severity, 'medium');
    assert.equal(find('firewall')[0]?.severity, 'low');
    assert.equal(report.findings[0]?.severity, 'high', 'most severe first');
  });

  it('judges scheduled backups: unencrypted and copied off the machine high, a passphrase file that stops them high, off medium', async () => {
    const backupsFinding = async (backups: Partial<LoadedPlatform['config']['backups']>) => {
      const withBackups = {
        ...loaded,
        config: { ...loaded.config, backups: { ...loaded.config.backups, ...backups } },
      };
      return (await runSecurityAudit(withBackups)).findings
        .filter((finding) => finding.check === 'backups')
        .map((finding) => [finding.severity, finding.title]);
    };
    // Encrypted by default: until helm's start has generated the passphrase file, none can be made.
    assert.deepEqual(await backupsFinding({}), [['high', 'Scheduled backups cannot be made']]);
    const generated = await ensureBackupPassphrase(loaded.config.backups, loaded.paths.instance);
    assert.equal(generated.created, true);
    assert.equal(generated.file, path.join(loaded.paths.secretsDir, 'backup-passphrase'));
    assert.deepEqual(await backupsFinding({}), [['low', 'Backups stay on this machine']]);
    assert.deepEqual(await backupsFinding({ copy_to: '/mnt/nas/hivematrix' }), []);
    assert.deepEqual(await backupsFinding({ encrypt: false }), [
      ['low', 'Scheduled backups are not encrypted'],
      ['low', 'Backups stay on this machine'],
    ]);
    assert.deepEqual(await backupsFinding({ encrypt: false, copy_to: '/mnt/nas/hivematrix' }), [
      ['high', 'Unencrypted backups are copied off this machine'],
    ]);
    const file = path.join(loaded.paths.instance, 'backup-passphrase');
    await writeFile(file, 'correct horse battery staple\n', { mode: 0o600 });
    assert.deepEqual(
      await backupsFinding({ passphrase_file: 'backup-passphrase', copy_to: '/mnt/nas' }),
      [],
      'a relative path is read from the instance folder',
    );
    await chmod(file, 0o644);
    assert.deepEqual(await backupsFinding({ passphrase_file: file }), [['high', 'Scheduled backups cannot be made']]);
    assert.deepEqual(await backupsFinding({ passphrase_file: 'missing-file' }), [
      ['high', 'Scheduled backups cannot be made'],
    ]);
    assert.deepEqual(await backupsFinding({ schedule: false }), [['medium', 'Scheduled backups are off']]);
  });

  it('serves the report to admins only, and firewall scripts that allow SSH first', async () => {
    if (c === undefined) throw new Error('the console did not start');
    const { app, tech } = c;
    const admin = { authorization: `Bearer ${c.admin}` };
    assert.equal(
      (await app.inject({ url: '/api/security/audit', headers: { authorization: `Bearer ${tech}` } })).statusCode,
      403,
    );
    assert.equal(
      (await app.inject({ url: '/security', headers: { authorization: `Bearer ${tech}` } })).statusCode,
      403,
    );
    const api = await app.inject({ url: '/api/security/audit', headers: admin });
    assert.equal(api.json<AuditReport>().high, true);
    const page = await app.inject({ url: '/security', headers: { ...admin, 'x-forwarded-prefix': '/helm' } });
    assert.ok(
      page.body.includes('exposedsvc listens on') && page.body.includes('href="/helm/security/firewall/ufw.sh"'),
    );
    for (const name of ['ufw', 'iptables']) {
      const script: { statusCode: number; headers: Record<string, unknown>; body: string } = await app.inject({
        url: `/security/firewall/${name}.sh`,
        headers: admin,
      });
      assert.equal(script.statusCode, 200);
      assert.match(String(script.headers['content-disposition']), /attachment/);
      const lines = script.body.split('\n').filter((line) => /^(ufw|iptables|ip6tables) /.test(line));
      assert.match(lines[0] ?? '', /22/, `${name}: SSH is the first rule`);
      const firstDeny = lines.findIndex((line) => /deny|DROP/.test(line));
      assert.ok(lines.findIndex((line) => / 22\b/.test(line)) < firstDeny);
      assert.ok(script.body.includes('8443'), 'the gateway port comes from the registry');
    }
  });

  it('`hivematrix audit` exits 2 on a high finding and prints the fix', async () => {
    const out: string[] = [];
    const code = await main(['audit'], {
      out: (text) => out.push(text),
      err: (text) => out.push(text),
      isTTY: false,
      env,
    });
    assert.equal(code, 2, out.join(''));
    assert.ok(out.join('').includes('exposedsvc listens on'));
    assert.ok(out.join('').includes('fix: Set HOST=127.0.0.1 for exposedsvc'));
  });
});
