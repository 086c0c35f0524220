/**
 * Alert delivery: a JSON POST to the configured webhook. `text` is what Slack, Mattermost,
 * Rocket.Chat and similar incoming webhooks display; `event` and `alert` are for anything that
 * reads the structure. A delivery is tried three times (1 s, then 4 s apart) unless the receiver
 * refuses the request itself (4xx other than 408 and 429), with a 5 s timeout per try.
 */
import { listedDelays, retry } from '@hivematrix/sdk';
import type { AlertRow } from '../db/index.js';

export interface WebhookPayload {
  text: string;
  event: 'opened' | 'resolved' | 'test';
  platform: string;
  alert: {
    key: string;
    severity: string;
    title: string;
    detail: string;
    opened_at: string;
    resolved_at: string | null;
  } | null;
}

export interface DeliveryOptions {
  timeoutMs?: number;
  /** Delays before the second and later tries. */
  retryDelaysMs?: readonly number[];
}

/** The payload of an alert's opening or resolution. */
export function alertPayload(row: AlertRow, event: 'opened' | 'resolved', platform: string): WebhookPayload {
  const text =
    event === 'opened'
      ? `[HiveMatrix ${row.severity}] ${row.title}: ${row.detail} (${platform})`
      : `[HiveMatrix resolved] ${row.title} (${platform})`;
  return {
    text,
    event,
    platform,
    alert: {
      key: row.key,
      severity: row.severity,
      title: row.title,
      detail: row.detail,
      opened_at: row.openedAt.toISOString(),
      resolved_at: row.resolvedAt?.toISOString() ?? null,
    },
  };
}

/** The receiver refused the request itself (a 4xx other than 408 and 429): trying again would not help. */
class Refused extends Error {}

/** POSTs the payload; resolves when the receiver answered 2xx, else throws the last failure. */
export async function deliver(url: string, payload: WebhookPayload, options: DeliveryOptions = {}): Promise<void> {
  const delays = options.retryDelaysMs ?? [1000, 4000];
  await retry(
    async () => {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'hivematrix-helm' },
          body: JSON.stringify(payload),
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
      } catch (error) {
        throw new Error(
          `the webhook could not be reached: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`,
          { cause: error },
        );
      }
      await response.body?.cancel();
      if (response.ok) return;
      const failure = `the webhook answered ${response.status}`;
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)
        throw new Refused(failure);
      throw new Error(failure);
    },
    { attempts: delays.length + 1, delayMs: listedDelays(delays), retryable: (error) => !(error instanceof Refused) },
  );
}
