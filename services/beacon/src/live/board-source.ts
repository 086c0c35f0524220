/**
 * The one shared board: every open screen (boards, wall screens) reads this cache, and only it
 * asks codex, at most once per refresh interval whatever the number of screens (single flight:
 * concurrent askers share the request in progress). The request is conditional (codex's ETag):
 * while no ticket was written, codex answers 304 from a few aggregates; when some were, it sends
 * only those (`changed_since`), and every 5 minutes the whole active list. Each refresh places every ticket (sections
 * and SLA states also move with the clock), compares the rows with the previous ones and tells
 * the subscribers what changed, so a live connection sends a small patch, not the whole board.
 * The original asked codex for the whole board on every screen's every refresh (reference §4.5 item 8).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { BoardSettings } from '../config.js';
import type { CodexClient, PsaAgent, PsaConfig } from '../codex/index.js';
import { toRow } from '../domain/index.js';
import type { BoardRow, CodexTicket } from '../domain/index.js';

export interface BoardMeta {
  last_sync_at: string | null;
  /** Codex's last ticket sync is older than the configured age (or never ran). */
  stale: boolean;
  fetched_at: string | null;
  /** Why the last refresh failed, while the rows shown are older. */
  error: string | null;
}

export interface BoardChange {
  version: number;
  /** The version this change applies to. */
  base: number;
  meta: BoardMeta;
  upserts: BoardRow[];
  removed: number[];
}

export type BoardListener = (change: BoardChange) => void;

/** A full read of the active tickets at least this often; in between, only the changes. */
const FULL_READ_MS = 5 * 60_000;
/** Changes are asked from this long before codex's last answer, for stores whose transaction was still open. */
const OVERLAP_MS = 2 * 60_000;
/** Unchanged tickets are placed again this often, as their SLA states move with the clock. */
const PLACE_AGAIN_MS = 10_000;
/** Agents and PSA links change rarely: kept this long. */
const DIRECTORY_TTL_MS = 5 * 60_000;

export interface BoardSourceOptions {
  codex: CodexClient;
  settings: BoardSettings;
  ticketLimit: number;
  now: () => Date;
  logger: FastifyBaseLogger;
}

export class BoardSource {
  private readonly options: BoardSourceOptions;
  private rows = new Map<number, BoardRow>();
  private serialized = new Map<number, string>();
  private version = 0;
  private meta: BoardMeta = { last_sync_at: null, stale: true, fetched_at: null, error: null };
  private lastStart = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly listeners = new Set<BoardListener>();
  private timer: NodeJS.Timeout | undefined;
  private psa: { at: number; value: Promise<PsaConfig> } | undefined;
  private agentList: { at: number; value: Promise<PsaAgent[]> } | undefined;
  private tickets = new Map<number, CodexTicket>();
  private asOf: string | undefined;
  private fullAt = Number.NEGATIVE_INFINITY;
  private lastSyncAt: string | null = null;
  private etag: string | undefined;
  private placedAt = Number.NEGATIVE_INFINITY;
  /** How many times codex was asked for the tickets (benchmarks and tests read it). */
  fetches = 0;
  /** How many of those answers carried every active ticket (the others were changes only, or 304: nothing changed). */
  fullReads = 0;
  /** How many answers carried only the changes since the previous one. */
  changeReads = 0;

  constructor(options: BoardSourceOptions) {
    this.options = options;
  }

  /** The rows, version and meta now (possibly empty before the first refresh). */
  snapshot(): { version: number; rows: BoardRow[]; meta: BoardMeta } {
    return { version: this.version, rows: [...this.rows.values()], meta: this.meta };
  }

  /**
   * Refreshes when the data was asked of codex more than `maxAgeMs` ago (the refresh interval by
   * default), one request shared by every caller. A caller that must see what was written just
   * before it asked (`maxAgeMs` 0: the home page right after loading the demo data) does not
   * join a request that started earlier; it waits for it and starts the next one.
   */
  async ensureFresh(maxAgeMs = this.options.settings.refreshMs): Promise<void> {
    const asked = this.options.now().getTime();
    for (;;) {
      if (this.inFlight !== undefined) {
        if (this.lastStart >= asked - maxAgeMs) return this.inFlight;
        await this.inFlight.catch(() => undefined);
        continue;
      }
      if (asked - this.lastStart < maxAgeMs) return;
      this.lastStart = this.options.now().getTime();
      this.inFlight = this.refresh().finally(() => {
        this.inFlight = undefined;
      });
      return this.inFlight;
    }
  }

  /** Calls `listener` with every change until the returned function is called; the refresh loop runs while anyone listens. */
  subscribe(listener: BoardListener): () => void {
    this.listeners.add(listener);
    if (this.timer === undefined) {
      this.timer = setInterval(
        () => {
          this.ensureFresh().catch((error: unknown) =>
            this.options.logger.warn({ err: error }, 'board refresh failed'),
          );
          // Ticks at a quarter of the interval, so a refresh starts at most a quarter late.
        },
        Math.max(100, this.options.settings.refreshMs / 4),
      );
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Active PSA agents, for the agent filter. */
  async agents(): Promise<PsaAgent[]> {
    const now = this.options.now().getTime();
    if (this.agentList === undefined || now - this.agentList.at > DIRECTORY_TTL_MS) {
      const value = this.options.codex.agents();
      this.agentList = { at: now, value };
      value.catch(() => {
        this.agentList = undefined;
      });
    }
    return (await this.agentList.value).filter((agent) => agent.active);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async psaConfig(): Promise<PsaConfig> {
    const now = this.options.now().getTime();
    if (this.psa === undefined || now - this.psa.at > DIRECTORY_TTL_MS) {
      const value = this.options.codex.psaConfig();
      this.psa = { at: now, value };
      value.catch(() => {
        this.psa = undefined;
      });
    }
    return this.psa.value;
  }

  private async refresh(): Promise<void> {
    const { codex, settings, ticketLimit, now } = this.options;
    this.fetches += 1;
    let meta: BoardMeta;
    const upserts: BoardRow[] = [];
    const removed: number[] = [];
    try {
      // Only the changes since the last answer (less a margin for transactions that were still
      // open), except every FULL_READ_MS, which also catches what no store marked.
      const started = now().getTime();
      const incremental = this.asOf !== undefined && started - this.fullAt < FULL_READ_MS;
      const since =
        incremental && this.asOf !== undefined ? new Date(Date.parse(this.asOf) - OVERLAP_MS).toISOString() : undefined;
      const [answer, psa] = await Promise.all([
        codex.activeTickets(ticketLimit, this.etag, since),
        this.psaConfig().catch(() => ({ providers: [] })),
      ]);
      const at = now();
      if (!answer.unchanged) {
        const data = answer.data;
        if (data.changes_since === undefined) {
          this.fullReads += 1;
          this.fullAt = started;
          this.tickets = new Map(data.tickets.map((ticket) => [ticket.id, ticket]));
        } else {
          this.changeReads += 1;
          for (const ticket of data.tickets) this.tickets.set(ticket.id, ticket);
          for (const id of data.removed ?? []) this.tickets.delete(id);
        }
        this.lastSyncAt = data.last_sync_at;
        this.etag = answer.etag;
        this.asOf = data.as_of;
      }
      // Unchanged data still moves with the clock (SLA states); placed again at most every PLACE_AGAIN_MS.
      if (!answer.unchanged || at.getTime() - this.placedAt >= PLACE_AGAIN_MS) {
        this.placedAt = at.getTime();
        const templates = new Map(psa.providers.map((provider) => [provider.provider, provider.ticket_url_template]));
        const psaUrl = (provider: string, externalId: string): string | null =>
          templates.get(provider)?.replaceAll('{ticket_id}', encodeURIComponent(externalId)) ?? null;
        const next = new Map<number, BoardRow>();
        const nextText = new Map<number, string>();
        for (const ticket of this.tickets.values()) {
          const row = toRow(ticket, at, settings.sla, psaUrl);
          if (row === null) continue;
          const text = JSON.stringify(row);
          next.set(row.id, row);
          nextText.set(row.id, text);
          if (this.serialized.get(row.id) !== text) upserts.push(row);
        }
        for (const id of this.rows.keys()) if (!next.has(id)) removed.push(id);
        this.rows = next;
        this.serialized = nextText;
      }
      const lastSync = this.lastSyncAt === null ? null : new Date(this.lastSyncAt);
      meta = {
        last_sync_at: this.lastSyncAt,
        stale: lastSync === null || at.getTime() - lastSync.getTime() > settings.staleSyncMs,
        fetched_at: at.toISOString(),
        error: null,
      };
    } catch (error) {
      this.options.logger.warn({ err: error }, 'codex did not give the active tickets');
      meta = { ...this.meta, error: 'Codex could not be reached; the board shows the last tickets it gave.' };
    }
    const metaChanged =
      JSON.stringify({ ...meta, fetched_at: null }) !== JSON.stringify({ ...this.meta, fetched_at: null });
    this.meta = meta;
    if (upserts.length === 0 && removed.length === 0 && !metaChanged) return;
    const change: BoardChange = { version: this.version + 1, base: this.version, meta, upserts, removed };
    this.version = change.version;
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'a board listener failed');
      }
    }
  }
}
