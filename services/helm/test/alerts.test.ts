/**
 * Alerts: the rules (a failed service at once, a silent one after the delay, a stopped one never;
 * high audit findings and the certificate), the monitor against a real database and a real
 * webhook receiver (one open alert per condition, opening and resolution delivered, retries,
 * failures recorded), the console page and its test button (admins only, escaped), and
 * `hivematrix alerts` exiting 2 on a high alert.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { createLogger } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase, type Database } from '@hivematrix/sdk/db';
import { createTestDatabase, type TestDatabase } from '@hivematrix/sdk/testing';
import { AlertMonitor } from '../src/alerts/monitor.js';
import { auditAlerts, backupFailedAlert, serviceAlerts, serviceKeys } from '../src/alerts/rules.js';
import type { WebhookPayload } from '../src/alerts/webhook.js';
import { main } from '../src/cli/main.js';
import { alerts as alertsTable, listAlerts } from '../src/db/alerts.js';
import { auditTrail, schema } from '../src/db/schema.js';
import { loadPlatform, syncAll } from '../src/generate/sync.js';
import { GeneratedWriter } from '../src/generate/writer.js';
import type { AuditReport, Finding } from '../src/security/findings.js';
import type { AlertSettings } from '../src/settings/schema.js';
import type { PlatformStatus, ServiceStatusView } from '../src/status.js';
import { STATUS, startConsole, type Console } from './console-harness.js';
import { createFixture } from './platform-fixture.js';

const base = STATUS.services[1] as ServiceStatusView;
const svc = (name: string, state: string, health: string, message: string | null = null): ServiceStatusView => ({
  ...base,
  name,
  state,
  health,
  message,
});

describe('alert rules', () => {
  it('alerts on a failed service at once, on a silent one only after the delay, never on one stopped on purpose', () => {
    const since = new Map<string, number>();
    const round = (at: number, services: ServiceStatusView[]) => serviceAlerts(services, since, at, 60_000);
    const first = round(0, [
      svc('codex', 'failed', 'down', 'exited with code 1'),
      svc('ledger', 'running', 'down'),
      svc('kb', 'stopped', 'unknown'),
      svc('beacon', 'running', 'degraded'),
    ]);
    assert.deepEqual(
      first.raise.map((alert) => [alert.key, alert.severity]),
      [['service:codex:failed', 'high']],
    );
    assert.match(first.raise[0]?.detail ?? '', /exited with code 1/);
    assert.deepEqual(first.resolve, [...Object.values(serviceKeys('kb')), ...Object.values(serviceKeys('beacon'))]);
    assert.deepEqual(round(59_000, [svc('ledger', 'backoff', 'down')]).raise, [], 'not yet: crash-looping for 59 s');
    const late = round(60_000, [svc('ledger', 'running', 'unhealthy')]);
    assert.deepEqual(
      late.raise.map((alert) => alert.key),
      ['service:ledger:down'],
    );
    assert.match(late.raise[0]?.detail ?? '', /has not answered for 60 s/);
    assert.deepEqual(
      round(61_000, [svc('ledger', 'running', 'healthy')]).resolve,
      Object.values(serviceKeys('ledger')),
    );
    assert.deepEqual(round(62_000, [svc('ledger', 'running', 'down')]).raise, [], 'the delay starts again');
  });

  it('turns high audit findings and certificate findings into alerts, and resolves those no longer reported', () => {
    const finding = (check: Finding['check'], severity: Finding['severity'], title: string): Finding => ({
      check,
      severity,
      title,
      detail: 'd.',
      fix: 'f.',
    });
    const report: AuditReport = {
      ran_at: '',
      checks: [],
      high: true,
      findings: [
        finding('ports', 'high', 'codex listens on 0.0.0.0:5010'),
        finding('certificate', 'medium', 'expires in 9 days'),
        finding('firewall', 'low', 'no firewall'),
      ],
    };
    const decision = auditAlerts(report, ['audit:ports:codex listens on 0.0.0.0:5010', 'audit:secrets:gone']);
    assert.deepEqual(
      decision.raise.map((alert) => [alert.key, alert.severity]),
      [
        ['audit:ports:codex listens on 0.0.0.0:5010', 'high'],
        ['audit:certificate:medium', 'medium'],
      ],
    );
    assert.equal(decision.raise[0]?.detail, 'd. Fix: f.');
    assert.deepEqual(decision.resolve, ['audit:secrets:gone']);
  });
});

/** A minimal SMTP server that keeps what it is sent (EHLO, AUTH PLAIN, MAIL, RCPT, DATA). */
async function smtpSink(): Promise<{
  url: string;
  messages: { auth: string; from: string; to: string[]; data: string }[];
  server: NetServer;
}> {
  const messages: { auth: string; from: string; to: string[]; data: string }[] = [];
  const server = createNetServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let current = { auth: '', from: '', to: [] as string[], data: '' };
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(current);
            current = { auth: current.auth, from: '', to: [], data: '' };
            socket.write('250 queued\r\n');
          } else {
            current.data += `${line.startsWith('..') ? line.slice(1) : line}\n`;
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-sink\r\n250 AUTH PLAIN\r\n');
        else if (verb === 'AUTH') {
          current.auth = Buffer.from(line.split(' ')[2] ?? '', 'base64')
            .toString('utf8')
            .split('\0')
            .slice(1)
            .join(':');
          socket.write('235 ok\r\n');
        } else if (verb === 'MAIL') {
          current.from = line;
          socket.write('250 ok\r\n');
        } else if (verb === 'RCPT') {
          current.to.push(line);
          socket.write('250 ok\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://alerts%40msp.test:s3cret@127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    server,
  };
}

/** A webhook receiver that answers with the statuses queued in `answers` (then 204). */
async function receiver(): Promise<{ url: string; got: WebhookPayload[]; answers: number[]; server: Server }> {
  const got: WebhookPayload[] = [];
  const answers: number[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      got.push(JSON.parse(body) as WebhookPayload);
      response.writeHead(answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, answers, server };
}

describe('alert monitor', () => {
  let testDb: TestDatabase;
  let database: Database<typeof schema>;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let now = new Date('2026-11-25T12:00:00Z');
  let services: ServiceStatusView[] = [];
  let settings: AlertSettings;
  let monitor: AlertMonitor;
  before(async () => {
    testDb = await createTestDatabase('helm');
    database = openDatabase({ url: testDb.url, applicationName: 'helm-test', schema });
    await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
    hook = await receiver();
    settings = { webhook_url: hook.url, down_after_s: 30 };
    monitor = new AlertMonitor({
      db: database.db,
      now: () => now,
      settings: () => settings,
      publicUrl: 'https://hive.example',
      status: (): PlatformStatus => ({ ...STATUS, services }),
      audit: () => Promise.resolve({ ran_at: '', checks: [], high: false, findings: [] }),
      logger: createLogger({ service: 'helm', level: 'silent' }),
      delivery: { timeoutMs: 2000, retryDelaysMs: [10, 10] },
    });
  });
  after(async () => {
    await monitor.stop();
    hook.server.close();
    await database.close();
    await testDb.drop();
  });

  it('opens one alert per condition, delivers its opening and resolution, and records the delivery', async () => {
    services = [svc('codex', 'failed', 'down')];
    await monitor.serviceRound();
    await monitor.serviceRound();
    assert.deepEqual(
      hook.got.map((payload) => [payload.event, payload.alert?.key]),
      [['opened', 'service:codex:failed']],
      'delivered once',
    );
    assert.match(hook.got[0]?.text ?? '', /^\[HiveMatrix high\] codex failed: .*\(https:\/\/hive\.example\)$/);
    const { open } = await listAlerts(database.db);
    assert.equal(open.length, 1);
    assert.equal(open[0]?.notifiedAt?.toISOString(), now.toISOString());

    now = new Date(now.getTime() + 5000);
    services = [svc('codex', 'running', 'healthy')];
    await monitor.serviceRound();
    assert.deepEqual(hook.got.at(-1)?.event, 'resolved');
    assert.equal(hook.got.at(-1)?.alert?.resolved_at, now.toISOString());
    const after = await listAlerts(database.db);
    assert.deepEqual([after.open.length, after.resolved.length], [0, 1]);
  });

  it('retries a failing webhook, gives up on a refusal at once, and records why it was not delivered', async () => {
    hook.got.length = 0;
    hook.answers.push(500, 503);
    await monitor.raise(backupFailedAlert(new Error('disk full')));
    assert.equal(hook.got.length, 3, 'two failures, then delivered');
    assert.ok((await listAlerts(database.db)).open[0]?.notifiedAt !== null);

    hook.got.length = 0;
    hook.answers.push(404);
    await monitor.raise({ key: 'audit:ports:x', severity: 'high', title: 'x exposed', detail: 'd' });
    assert.equal(hook.got.length, 1, 'a 404 is not retried');
    const row = (await listAlerts(database.db)).open.find((alert) => alert.key === 'audit:ports:x');
    assert.equal(row?.notifyError, 'webhook: the webhook answered 404');
    assert.equal(row?.notifiedAt, null);

    settings = { ...settings, webhook_url: 'http://127.0.0.1:9/unreachable' };
    await assert.rejects(monitor.test('alice'), /could not be reached/);
    settings = { down_after_s: 30 };
    await assert.rejects(monitor.test('alice'), /no webhook or e-mail is configured/);
    settings = { webhook_url: hook.url, down_after_s: 30 };
  });

  it('e-mails alerts too, and records a delivery when one channel took it and the other failed', async () => {
    const sink = await smtpSink();
    try {
      hook.got.length = 0;
      hook.answers.push(404);
      // This sink offers no STARTTLS: the plain session is the operator's explicit choice (email.ts).
      settings = {
        webhook_url: hook.url,
        down_after_s: 30,
        smtp_url: sink.url,
        email_to: 'ops@msp.test, boss@msp.test',
        smtp_allow_plaintext: true,
      };
      assert.deepEqual(monitor.channels(), ['webhook', 'e-mail to ops@msp.test, boss@msp.test']);
      await monitor.raise({
        key: 'service:ledger:down',
        severity: 'high',
        title: 'ledger is down',
        detail: 'no answer for 60 s',
      });
      assert.equal(sink.messages.length, 1);
      const [message] = sink.messages;
      assert.equal(message?.auth, 'alerts@msp.test:s3cret');
      assert.match(message?.from ?? '', /<hivematrix@hive\.example>/);
      assert.equal(message?.to.length, 2);
      assert.match(message?.data ?? '', /^Subject: \[HiveMatrix high\] ledger is down$/m);
      assert.match(message?.data ?? '', /no answer for 60 s/);
      assert.match(message?.data ?? '', /https:\/\/hive\.example\/helm\/alerts/);
      const row = (await listAlerts(database.db)).open.find((alert) => alert.key === 'service:ledger:down');
      assert.ok(row?.notifiedAt !== null, 'delivered by e-mail');
      assert.equal(row?.notifyError, 'webhook: the webhook answered 404');

      await monitor.test('alice');
      assert.match(sink.messages.at(-1)?.data ?? '', /^Subject: \[HiveMatrix test\]/m);
      await monitor.resolve('service:ledger:down');
      assert.match(sink.messages.at(-1)?.data ?? '', /^Subject: \[HiveMatrix resolved\] ledger is down$/m);
    } finally {
      settings = { webhook_url: hook.url, down_after_s: 30 };
      sink.server.close();
    }
  });

  it('resolves audit alerts that the next audit no longer reports', async () => {
    await monitor.hostRound();
    const { open } = await listAlerts(database.db);
    assert.deepEqual(
      open.map((alert) => alert.key),
      ['backup:scheduled'],
      'the port finding is gone',
    );
    await database.db.delete(alertsTable);
  });
});

describe('alerts in the console and the CLI', () => {
  let c: Console;
  const sent: string[] = [];
  let fail: string | null = null;
  before(async () => {
    c = await startConsole(undefined, {
      alerts: {
        channels: () => ['webhook'],
        sendTest: async (actor) => {
          if (fail !== null) throw new Error(fail);
          sent.push(actor);
        },
      },
    });
    await c.database.db.insert(alertsTable).values([
      {
        key: 'service:codex:down',
        severity: 'high',
        title: 'codex is down <script>alert(1)</script>',
        detail: 'no answer',
        openedAt: new Date('2026-11-25T11:00:00Z'),
      },
      {
        key: 'audit:certificate:x',
        severity: 'low',
        title: 'certificate expires in 25 days',
        detail: 'renew',
        openedAt: new Date('2026-11-25T10:00:00Z'),
      },
      {
        key: 'service:kb:failed',
        severity: 'high',
        title: 'kb failed',
        detail: 'gone',
        openedAt: new Date('2026-11-24T10:00:00Z'),
        resolvedAt: new Date('2026-11-24T11:00:00Z'),
      },
    ]);
  });
  after(async () => c.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('shows open alerts (most severe first, escaped) and the resolved ones to admins only', async () => {
    const page = await c.app.inject({ url: '/alerts', headers: as(c.admin) });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /codex is down &lt;script(&gt;|>)alert\(1\)&lt;\/script/);
    assert.ok(!page.body.includes('<script>alert(1)'));
    assert.ok(page.body.indexOf('codex is down') < page.body.indexOf('certificate expires'), 'high first');
    assert.match(page.body, /Open alerts \(2\)/);
    assert.match(page.body, /kb failed/);
    const services = await c.app.inject({ url: '/', headers: as(c.admin) });
    assert.match(services.body, /Alerts \(2\)/);
    assert.match(services.body, /1 high alert\(s\) open/);
    const api = (await c.app.inject({ url: '/api/alerts', headers: as(c.admin) })).json<{
      open: { key: string }[];
      resolved: unknown[];
    }>();
    assert.deepEqual(
      [api.open.map((alert) => alert.key), api.resolved.length],
      [['service:codex:down', 'audit:certificate:x'], 1],
    );
    for (const url of ['/alerts', '/api/alerts'])
      assert.equal((await c.app.inject({ url, headers: as(c.tech) })).statusCode, 403);
    assert.equal(
      (await c.app.inject({ method: 'POST', url: '/api/alerts/test', headers: as(c.tech) })).statusCode,
      403,
    );
  });

  it('sends a test alert from the page, says why one failed, and records both', async () => {
    const post = (url: string) =>
      c.app.inject({
        method: 'POST',
        url,
        headers: {
          ...as(c.admin),
          origin: 'https://hive.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: '',
      });
    const ok = await post('/alerts/test');
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, '/alerts?test=sent');
    assert.deepEqual(sent, ['alice']);
    fail = 'the webhook answered 403';
    const refused = await post('/alerts/test');
    assert.equal(refused.statusCode, 502);
    assert.match(refused.body, /The test alert was not delivered/);
    assert.match(refused.body, /the webhook answered 403/);
    const api = await c.app.inject({ method: 'POST', url: '/api/alerts/test', headers: as(c.admin) });
    assert.equal(api.statusCode, 502);
    assert.match(String(api.headers['content-type']), /problem\+json/);
    const rows = await c.database.db.select().from(auditTrail);
    assert.deepEqual(
      rows.filter((row) => row.action === 'alerts.test').map((row) => row.result),
      ['success', 'failure', 'failure'],
    );
  });

  it('`hivematrix alerts` lists the open alerts and exits 2 while a high one is open', async () => {
    const fixture = await createFixture();
    await syncAll(await loadPlatform(fixture.paths), new GeneratedWriter(fixture.paths));
    const envFile = fixture.paths.envFile('helm');
    const url = c.database.pool.options.connectionString ?? '';
    await writeFile(envFile, (await readFile(envFile, 'utf8')).replace(/^DATABASE_URL=.*$/m, `DATABASE_URL="${url}"`));
    const out: string[] = [];
    const io = {
      out: (text: string) => out.push(text),
      err: (text: string) => out.push(text),
      isTTY: false,
      env: fixture.env,
    };
    assert.equal(await main(['alerts'], io), 2);
    assert.match(out.join(''), /^SEVERITY\s+ALERT\s+OPENED\s+RESOLVED\s+DETAIL/);
    assert.match(out.join(''), /high\s+codex is down <script>alert\(1\)<\/script>\s+2026-11-25T11:00:00\.000Z\s+open/);
    assert.doesNotMatch(out.join(''), /kb failed/);
    out.length = 0;
    await c.database.db.delete(alertsTable);
    assert.equal(await main(['alerts', '--all'], io), 0);
    assert.equal(out.join(''), 'no open alerts\n');
  });
});
