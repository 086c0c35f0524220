/**
 * The alert monitor, run inside helm's HTTP service: every few seconds it judges the services'
 * status, every few hours it runs the security audit, and other parts of helm raise and resolve
 * alerts through it (the scheduled backup). An alert opened or resolved is logged and delivered
 * to every channel configured (`alerts.webhook_url`, e-mail through `alerts.smtp_url` to
 * `alerts.email_to`); the delivery's outcome is stored with the alert.
 */
import type { FastifyBaseLogger } from 'fastify';
import { openAlert, openAlertKeys, pruneAlerts, recordDelivery, resolveAlert } from '../db/index.js';
import type { AlertInput, AlertRow, HelmDb } from '../db/index.js';
import type { AuditReport } from '../security/index.js';
import type { AlertSettings } from '../settings/index.js';
import type { PlatformStatus } from '../status.js';
import { auditAlerts, serviceAlerts, type AlertDecision } from './rules.js';
import { ACCESS_ALERT_KEY, ACCESS_ALERT_WINDOW_MS, accessAlert, undeliveredSince } from '../identity/index.js';
import { emailSettings, sendAlertEmail } from './email.js';
import { alertPayload, deliver, type DeliveryOptions, type WebhookPayload } from './webhook.js';

export interface MonitorDeps {
  db: HelmDb;
  status: () => PlatformStatus;
  now: () => Date;
  /** Read on every use, so a change saved in the console applies at once. */
  settings: () => AlertSettings;
  audit: () => Promise<AuditReport>;
  /** Names the platform in deliveries. */
  publicUrl: string;
  logger: Pick<FastifyBaseLogger, 'info' | 'warn'>;
  delivery?: DeliveryOptions;
}

/** Resolved alerts are kept this long. */
const KEEP_RESOLVED_MS = 90 * 86_400_000;

export class AlertMonitor {
  private readonly downSince = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: MonitorDeps) {}

  /** Judges the services once. */
  async serviceRound(): Promise<void> {
    const { services } = this.deps.status();
    const decision = serviceAlerts(
      services,
      this.downSince,
      this.deps.now().getTime(),
      this.deps.settings().down_after_s * 1000,
    );
    // Every answering service "resolves" its keys each round: only those open cost a query.
    const open = new Set(await openAlertKeys(this.deps.db, 'service:'));
    await this.apply({
      raise: decision.raise.filter((alert) => !open.has(alert.key)),
      resolve: decision.resolve.filter((key) => open.has(key)),
    });
    await this.accessRound();
  }

  /** Opens or resolves the alert of identity's undelivered access notices (see `identity/access-alert.ts`). */
  async accessRound(): Promise<void> {
    const since = new Date(this.deps.now().getTime() - ACCESS_ALERT_WINDOW_MS);
    const alert = accessAlert(await undeliveredSince(this.deps.db, since));
    if (alert === null) await this.resolve(ACCESS_ALERT_KEY);
    else await this.raise(alert);
  }

  /** Runs the security audit once, and prunes old resolved alerts. */
  async hostRound(): Promise<void> {
    const report = await this.deps.audit();
    await this.apply(auditAlerts(report, await openAlertKeys(this.deps.db, 'audit:')));
    await pruneAlerts(this.deps.db, new Date(this.deps.now().getTime() - KEEP_RESOLVED_MS));
  }

  /** Opens an alert (nothing happens when one is open for its key). */
  async raise(alert: AlertInput): Promise<void> {
    const row = await openAlert(this.deps.db, alert, this.deps.now());
    if (row === undefined) return;
    this.deps.logger.warn({ alert: row.key, severity: row.severity }, `alert: ${row.title}: ${row.detail}`);
    await this.notify(row, 'opened');
  }

  /** Resolves the open alert of a key, if any. */
  async resolve(key: string): Promise<void> {
    const row = await resolveAlert(this.deps.db, key, this.deps.now());
    if (row === undefined) return;
    this.deps.logger.info({ alert: row.key }, `alert resolved: ${row.title}`);
    await this.notify(row, 'resolved');
  }

  /** Where alerts go: `webhook`, `e-mail to a@x, b@y`. */
  channels(): string[] {
    const settings = this.deps.settings();
    const email = emailSettings(settings, this.deps.publicUrl);
    return [
      ...(settings.webhook_url === undefined ? [] : ['webhook']),
      ...(email === undefined ? [] : [`e-mail to ${email.to.join(', ')}`]),
    ];
  }

  /** Sends a test message to every channel; throws when there is none or a delivery failed. */
  async test(actor: string): Promise<void> {
    const payload: WebhookPayload = {
      text: `[HiveMatrix test] Alerts from ${this.deps.publicUrl} reach this channel (sent by ${actor}).`,
      event: 'test',
      platform: this.deps.publicUrl,
      alert: null,
    };
    const { attempted, failures } = await this.send(payload);
    if (attempted === 0) throw new Error('no webhook or e-mail is configured (alerts settings)');
    if (failures.length > 0) throw new Error(failures.join('; '));
  }

  /** Service rounds every `serviceMs`, host rounds every `hostMs` (and once soon after start). */
  start(serviceMs: number, hostMs: number, onError: (error: unknown) => void): void {
    const every = (ms: number, work: () => Promise<void>): void => {
      const timer = setInterval(() => void this.serialised(work).catch(onError), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(serviceMs, () => this.serviceRound());
    every(hostMs, () => this.hostRound());
    const first = setTimeout(
      () => void this.serialised(() => this.hostRound()).catch(onError),
      Math.min(hostMs, 30_000),
    );
    first.unref();
    this.timers.push(first);
  }

  /** Stops the timers and waits for a round in progress. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
    await this.busy.catch(() => undefined);
  }

  private async apply(decision: AlertDecision): Promise<void> {
    for (const key of decision.resolve) await this.resolve(key);
    for (const alert of decision.raise) await this.raise(alert);
  }

  /** Rounds never overlap: a slow webhook delays the next one instead. */
  private serialised(work: () => Promise<void>): Promise<void> {
    const next = this.busy.catch(() => undefined).then(work);
    this.busy = next;
    return next;
  }

  /** Delivers to every configured channel at once; returns how many were tried and each failure. */
  private async send(payload: WebhookPayload): Promise<{ attempted: number; failures: string[] }> {
    const settings = this.deps.settings();
    const webhook = settings.webhook_url;
    const email = emailSettings(settings, this.deps.publicUrl);
    const sends: [string, () => Promise<void>][] = [];
    if (webhook !== undefined) sends.push(['webhook', () => deliver(webhook, payload, this.deps.delivery)]);
    if (email !== undefined)
      sends.push(['e-mail', () => sendAlertEmail(email, payload, `${this.deps.publicUrl}/helm/alerts`)]);
    const outcomes = await Promise.allSettled(sends.map(([, send]) => send()));
    const failures = outcomes.flatMap((outcome, i) =>
      outcome.status === 'fulfilled'
        ? []
        : [
            `${sends[i]?.[0] ?? ''}: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`,
          ],
    );
    return { attempted: sends.length, failures };
  }

  private async notify(row: AlertRow, event: 'opened' | 'resolved'): Promise<void> {
    const { attempted, failures } = await this.send(alertPayload(row, event, this.deps.publicUrl));
    if (attempted === 0) return;
    if (failures.length > 0) this.deps.logger.warn({ alert: row.key }, `alert not delivered: ${failures.join('; ')}`);
    // Delivered when any channel took it; the failures of the others are kept with it.
    if (event === 'opened')
      await recordDelivery(this.deps.db, row.id, {
        at: failures.length < attempted ? this.deps.now() : null,
        error: failures.length === 0 ? null : failures.join('; '),
      });
  }
}
