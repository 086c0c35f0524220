/**
 * The summary card at the top of a client's bill: total, users, devices, hours, backup and line
 * items, each with its change since the previous month's bill (computed by the same engine), then
 * the line items added or dropped and the subtotals that moved. Text is escaped by JSX.
 */
import { Card } from '@hivematrix/sdk/html';
import type { BillSummary, SummaryFigures } from '../billing/index.js';
import { formatMoney, type LineKind } from '../engine/index.js';
import { formatChange, formatCount, formatHours, formatHundredthsValue, formatMoneyChange } from './format.js';

export interface BillSummaryCardProps {
  summary: BillSummary;
  /** `YYYY-MM` of the month compared with. */
  previousPeriod: string;
  /** Last month's accepted invoice (latest version), when there is one. */
  previousInvoice: { number: string; totalCents: number } | null;
}

const SUBTOTAL_LABEL: Readonly<Record<LineKind, string>> = {
  user: 'users',
  device: 'devices',
  backup: 'backup',
  labour: 'labour',
  line_item: 'line items',
};

/** One figure: its label, its value and its change. */
interface Figure {
  key: keyof SummaryFigures;
  label: string;
  value: (f: SummaryFigures) => string;
  change: (delta: number) => string;
}

const FIGURES: readonly Figure[] = [
  { key: 'totalCents', label: 'Total', value: (f) => formatMoney(f.totalCents), change: formatMoneyChange },
  { key: 'users', label: 'Users', value: (f) => formatCount(f.users), change: (d) => formatChange(d, formatCount) },
  {
    key: 'devices',
    label: 'Devices',
    value: (f) => formatCount(f.devices),
    change: (d) => formatChange(d, formatCount),
  },
  {
    key: 'minutes',
    label: 'Hours',
    value: (f) => `${formatHours(f.minutes)} h`,
    change: (d) => formatChange(d, (m) => `${formatHours(m)} h`),
  },
  {
    key: 'backupHundredthsTb',
    label: 'Backup',
    value: (f) => `${formatHundredthsValue(f.backupHundredthsTb)} TB`,
    change: (d) => formatChange(d, (h) => `${formatHundredthsValue(h)} TB`),
  },
  {
    key: 'lineItems',
    label: 'Line items',
    value: (f) => `${formatCount(f.lineItems)} · ${formatMoney(f.lineItemCents)}`,
    change: (d) => formatChange(d, formatCount),
  },
];

/** Renders the summary card. */
export function BillSummaryCard({ summary, previousPeriod, previousInvoice }: BillSummaryCardProps) {
  const { current, previous, change } = summary;
  return (
    <Card title="Summary" id="bill-summary">
      <dl class="info-grid">
        {FIGURES.map((figure) => (
          <div class="info-item" data-figure={figure.key}>
            <dt class="info-item__label">{figure.label}</dt>
            <dd class="info-item__value">
              <strong>{figure.value(current)}</strong>
            </dd>
            <dd class="info-item__value u-text-muted" data-change={figure.key}>
              {change === null
                ? `new since ${previousPeriod}`
                : `${figure.change(change[figure.key])} since ${previousPeriod}`}
            </dd>
          </div>
        ))}
      </dl>
      {previous === null ? (
        <p>{`No bill in ${previousPeriod}: the client was not active in codex then.`}</p>
      ) : (
        <ul id="bill-changes">
          <li>{`${previousPeriod} computed now: ${formatMoney(previous.totalCents)}${previousInvoice === null ? ' (not accepted)' : `; accepted as ${previousInvoice.number} for ${formatMoney(previousInvoice.totalCents)}`}.`}</li>
          {summary.movedSubtotals.map((row) => (
            <li>{`${SUBTOTAL_LABEL[row.kind]} ${formatMoneyChange(row.cents)}`}</li>
          ))}
          {summary.lineItemsAdded.map((item) => (
            <li>{`Line item added: ${item}`}</li>
          ))}
          {summary.lineItemsRemoved.map((item) => (
            <li>{`Line item no longer billed: ${item}`}</li>
          ))}
          {summary.movedSubtotals.length === 0 &&
            summary.lineItemsAdded.length === 0 &&
            summary.lineItemsRemoved.length === 0 && <li>No change in any subtotal.</li>}
        </ul>
      )}
    </Card>
  );
}
