/**
 * Alert delivery: a JSON POST to the configured webhook. `text` is what Slack, Mattermost,
 * Rocket.Chat and similar incoming webhooks display; `event` and `alert` are for anything that
 * reads the structure. A delivery is tried three times (1 s, then 4 s apart) unless the receiver
 * refuses the request itself (4xx other than 408 and 429), with a 5 s timeout per try.
 */
import type { AlertRow } from '../db/alerts.js';

export interface WebhookPayload {
  text: string;
  event: 'opened' | 'resolved' | 'test';
  platform: string;
  alert: { key: string; severity: string; title: string; detail: string; opened_at: string; resolved_at: string | null } | null;
}

export interface DeliveryOptions {
  timeoutMs?: number;
  /** Delays before the second and later tries. */
  retryDelaysMs?: readonly number[];
}

/** The payload of an alert's opening or resolution. */
export function alertPayload(row: AlertRow, event: 'opened' | 'resolved', platform: string): WebhookPayload {
  const text = event === 'opened'
    ? `[HiveMatrix ${row.severity}] ${row.title}: ${row.detail} (${platform})`
    : `[HiveMatrix resolved] ${row.title} (${platform})`;
  return {
    text, event, platform,
    alert: { key: row.key, severity: row.severity, title: row.title, detail: row.detail, opened_at: row.openedAt.toISOString(), resolved_at: row.resolvedAt?.toISOString() ?? null },
  };
}

/** POSTs the payload; resolves when the receiver answered 2xx, else throws the last failure. */
export async function deliver(url: string, payload: WebhookPayload, options: DeliveryOptions = {}): Promise<void> {
  const delays = options.retryDelaysMs ?? [1000, 4000];
  let failure = 'not sent';
  for (let attempt = 0; attempt <= delays.length; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1]));
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'hivematrix-helm' },
        body: JSON.stringify(payload),
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      await response.body?.cancel();
      if (response.ok) return;
      failure = `the webhook answered ${response.status}`;
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) break;
    } catch (error) {
      failure = `the webhook could not be reached: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
    }
  }
  throw new Error(failure);
}
