/**
 * Alert e-mail over smtp:// never gives the account's password to a server that did not start
 * TLS: against a mail server that offers no STARTTLS (as one is when a man in the middle strips
 * it from the EHLO answer) no AUTH is sent and the delivery fails with a clear error; only with
 * `alerts.smtp_allow_plaintext` does the plain session go ahead.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { emailSettings, sendAlertEmail } from '../src/alerts/email.js';
import type { WebhookPayload } from '../src/alerts/webhook.js';

/** An SMTP server without STARTTLS (it answers 502 to it, as RFC 5321 servers do to unknown verbs) that logs every command. */
async function plainSmtpServer(): Promise<{ url: string; commands: string[]; server: Server }> {
  const commands: string[] = [];
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    socket.write('220 plain.test ESMTP\r\n');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write('250 queued\r\n');
          }
          continue;
        }
        commands.push(line);
        const verb = line.split(' ')[0]?.toUpperCase() ?? '';
        if (verb === 'EHLO') socket.write('250-plain.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n');
        else if (verb === 'AUTH') socket.write('235 ok\r\n');
        else if (verb === 'MAIL' || verb === 'RCPT') socket.write('250 ok\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('502 command not implemented\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://alerts%40msp.test:s3cret@127.0.0.1:${(server.address() as AddressInfo).port}`,
    commands,
    server,
  };
}

const payload: WebhookPayload = {
  text: 'HiveMatrix alerts test',
  event: 'test',
  platform: 'https://hive.example',
  alert: null,
};

describe('alert e-mail without STARTTLS', () => {
  let smtp: Awaited<ReturnType<typeof plainSmtpServer>>;
  before(async () => {
    smtp = await plainSmtpServer();
  });
  after(() => smtp.server.close());

  it('sends no password and fails with a clear error by default', async () => {
    const settings = emailSettings(
      { down_after_s: 60, smtp_url: smtp.url, email_to: 'ops@msp.test' },
      'https://hive.example',
    );
    assert.ok(settings);
    assert.equal(settings.allowPlaintext, false);
    await assert.rejects(sendAlertEmail(settings, payload, 'https://hive.example/helm/alerts'), (error: Error) => {
      assert.match(error.message, /did not start TLS \(STARTTLS\)/);
      assert.match(error.message, /alerts\.smtp_allow_plaintext/);
      return true;
    });
    assert.ok(
      smtp.commands.some((command) => command.toUpperCase() === 'STARTTLS'),
      `it asked for TLS: ${smtp.commands.join(' | ')}`,
    );
    assert.ok(
      !smtp.commands.some((command) => /^AUTH\b/i.test(command)),
      `no AUTH was sent: ${smtp.commands.join(' | ')}`,
    );
    assert.ok(!smtp.commands.some((command) => /^MAIL\b/i.test(command)), 'no message was sent');
  });

  it('goes ahead in plain text when the operator allows it', async () => {
    smtp.commands.length = 0;
    const settings = emailSettings(
      { down_after_s: 60, smtp_url: smtp.url, email_to: 'ops@msp.test', smtp_allow_plaintext: true },
      'https://hive.example',
    );
    assert.ok(settings);
    await sendAlertEmail(settings, payload, 'https://hive.example/helm/alerts');
    const auth = smtp.commands.find((command) => /^AUTH PLAIN\b/i.test(command));
    assert.ok(auth, smtp.commands.join(' | '));
    assert.equal(
      Buffer.from(auth.split(' ')[2] ?? '', 'base64')
        .toString('utf8')
        .split('\0')
        .slice(1)
        .join(':'),
      'alerts@msp.test:s3cret',
    );
    assert.ok(smtp.commands.some((command) => /^RCPT TO:<ops@msp\.test>/i.test(command)));
  });
});
