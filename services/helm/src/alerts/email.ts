/**
 * Alert e-mail: with `alerts.smtp_url` (smtp:// or smtps://, the account in the URL) and
 * `alerts.email_to`, each alert's opening and resolution is also mailed. Plain text: the title as
 * the subject, then the detail, when, and a link to the alerts page.
 *
 * Over smtp:// STARTTLS is required: a server (or someone between us and it) that does not offer
 * it gets no AUTH, so the account's password never crosses the network in clear text; only with
 * `alerts.smtp_allow_plaintext` (a relay on this machine or a trusted network) is a plain session
 * accepted. Connection, greeting and socket timeouts keep a dead server from holding the monitor
 * for minutes.
 */
import { createTransport } from 'nodemailer';
import type { AlertSettings } from '../settings/index.js';
import type { WebhookPayload } from './webhook.js';

export interface EmailSettings {
  smtpUrl: string;
  to: string[];
  from: string;
  /** Accept an smtp:// server without STARTTLS (the operator's explicit choice). */
  allowPlaintext: boolean;
}

/** The e-mail settings, or undefined when alerts are not mailed. */
export function emailSettings(settings: AlertSettings, publicUrl: string): EmailSettings | undefined {
  const to = (settings.email_to ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
  if (settings.smtp_url === undefined || to.length === 0) return undefined;
  return {
    smtpUrl: settings.smtp_url,
    to,
    from: settings.email_from ?? `hivematrix@${new URL(publicUrl).hostname}`,
    allowPlaintext: settings.smtp_allow_plaintext === true,
  };
}

/** Subject and body of an alert's message. */
export function alertMessage(payload: WebhookPayload, alertsPage: string): { subject: string; text: string } {
  const { alert } = payload;
  if (alert === null)
    return {
      subject: '[HiveMatrix test] Alerts reach this address',
      text: `${payload.text}\n\nAlerts: ${alertsPage}\n`,
    };
  const opened = payload.event === 'opened';
  const lines = [
    alert.detail,
    '',
    `Severity: ${alert.severity}`,
    `Opened: ${alert.opened_at}`,
    ...(opened ? [] : [`Resolved: ${alert.resolved_at ?? ''}`]),
    `Platform: ${payload.platform}`,
    `Alerts: ${alertsPage}`,
  ];
  return {
    subject: `[HiveMatrix ${opened ? alert.severity : 'resolved'}] ${alert.title}`.slice(0, 250),
    text: `${lines.join('\n')}\n`,
  };
}

/** Sends one message; throws with the server's or the network's reason. */
export async function sendAlertEmail(
  settings: EmailSettings,
  payload: WebhookPayload,
  alertsPage: string,
): Promise<void> {
  const url = new URL(settings.smtpUrl);
  const secure = url.protocol === 'smtps:';
  const transport = createTransport({
    host: url.hostname,
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    // smtp://: STARTTLS or nothing (nodemailer then refuses before AUTH); plain only when allowed.
    ...(secure ? {} : settings.allowPlaintext ? {} : { requireTLS: true }),
    ...(url.username === ''
      ? {}
      : { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 15_000,
  });
  try {
    await transport.sendMail({ from: settings.from, to: settings.to, ...alertMessage(payload, alertsPage) });
  } catch (error) {
    if (!secure && !settings.allowPlaintext && (error as { code?: unknown }).code === 'ETLS') {
      throw new Error(
        `the mail server ${url.host} did not start TLS (STARTTLS), so the alert was not sent and the password not given: ` +
          'use smtps://, enable STARTTLS on the server, or set alerts.smtp_allow_plaintext for a relay on a trusted network',
        { cause: error },
      );
    }
    throw error;
  } finally {
    transport.close();
  }
}
