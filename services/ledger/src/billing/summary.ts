/**
 * A client's bill at a glance, and what changed since the month before: the figures a billing
 * user checks before reading the lines (total, users, devices, hours, backup, line items), each
 * with its difference from the previous month's bill computed by the same engine and rules. Pure:
 * the caller computes both bills. Differences are exact (cents, minutes, hundredths of a TB).
 */
import type { BillResult, LineKind } from '../engine/index.js';

/** Figures of one month's bill, in exact units. */
export interface SummaryFigures {
  totalCents: number;
  users: number;
  /** Devices billed (every counted device but those not billed). */
  devices: number;
  /** Billable minutes worked in the month. */
  minutes: number;
  /** Backup used, in hundredths of a TB. */
  backupHundredthsTb: number;
  /** Line-item fees due this month, and their sum. */
  lineItems: number;
  lineItemCents: number;
}

/** The summary of a bill and, when there is a previous month's bill, the changes since it. */
export interface BillSummary {
  current: SummaryFigures;
  /** The previous month's figures, or null when the client had no bill then (new, or not active). */
  previous: SummaryFigures | null;
  /** `current − previous` for each figure; null without a previous bill. */
  change: SummaryFigures | null;
  /** Line-item fees billed this month but not last month, and the other way round (by description). */
  lineItemsAdded: string[];
  lineItemsRemoved: string[];
  /** Subtotals that moved, largest move first. */
  movedSubtotals: { kind: LineKind; cents: number }[];
}

/** The summary figures of a bill. */
export function summaryFigures(result: BillResult): SummaryFigures {
  const items = result.lines.filter((line) => line.kind === 'line_item');
  const devices = Object.entries(result.counts.devices).reduce(
    (sum, [type, n]) => (type === 'not_billed' ? sum : sum + n),
    0,
  );
  return {
    totalCents: result.totalCents,
    users: result.counts.users,
    devices,
    minutes: result.labour.minutes,
    backupHundredthsTb: hundredthsOf(result.backup.totalTb),
    lineItems: items.length,
    lineItemCents: items.reduce((sum, line) => sum + line.amountCents, 0),
  };
}

/** Summarises `current` against `previous` (the month before's bill, or null). */
export function billSummary(current: BillResult, previous: BillResult | null): BillSummary {
  const now = summaryFigures(current);
  if (previous === null) {
    return { current: now, previous: null, change: null, lineItemsAdded: [], lineItemsRemoved: [], movedSubtotals: [] };
  }
  const before = summaryFigures(previous);
  const change: SummaryFigures = {
    totalCents: now.totalCents - before.totalCents,
    users: now.users - before.users,
    devices: now.devices - before.devices,
    minutes: now.minutes - before.minutes,
    backupHundredthsTb: now.backupHundredthsTb - before.backupHundredthsTb,
    lineItems: now.lineItems - before.lineItems,
    lineItemCents: now.lineItemCents - before.lineItemCents,
  };
  const itemsOf = (result: BillResult) =>
    result.lines.filter((line) => line.kind === 'line_item').map((line) => line.description);
  const [nowItems, beforeItems] = [itemsOf(current), itemsOf(previous)];
  const kinds = Object.keys(current.subtotals) as LineKind[];
  const movedSubtotals = kinds
    .map((kind) => ({ kind, cents: current.subtotals[kind] - previous.subtotals[kind] }))
    .filter((row) => row.cents !== 0)
    .sort((a, b) => Math.abs(b.cents) - Math.abs(a.cents));
  return {
    current: now,
    previous: before,
    change,
    lineItemsAdded: nowItems.filter((item) => !beforeItems.includes(item)),
    lineItemsRemoved: beforeItems.filter((item) => !nowItems.includes(item)),
    movedSubtotals,
  };
}

/** `2.55` (the engine's TB text, two decimals) as 255. */
function hundredthsOf(text: string): number {
  const [whole = '0', fraction = '0'] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}
