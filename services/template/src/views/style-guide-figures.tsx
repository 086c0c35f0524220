/**
 * Style-guide section for figures: numbers, money and dates from the SDK's format components, and
 * a long table whose headers stay in view while it scrolls (more than `STICKY_ROWS` rows).
 */
import type { JSX } from 'preact';
import { Card, DateTime, EmptyState, Money, Num, Table } from '@hivematrix/sdk/html';

const CLIENTS = [
  'Northwind Traders',
  'Contoso Dental',
  'Fabrikam Legal',
  'Tailspin Toys',
  'Adventure Works',
  'Litware Clinic',
];

/** Twenty-four invoices of a realistic month, with amounts in cents and issue instants. */
const INVOICES = Array.from({ length: 24 }, (_, index) => ({
  number: `INV-2026-11-${String(index + 1).padStart(3, '0')}`,
  client: CLIENTS[index % CLIENTS.length] ?? '',
  devices: 12 + ((index * 37) % 1_400),
  cents: 84_210_00 - index * 1_234_56 + (index % 3) * 17,
  issued: new Date(Date.UTC(2026, 10, 1 + (index % 28), 9 + (index % 8), (index * 7) % 60)),
}));

export function Figures(): JSX.Element {
  return (
    <div class="u-grid u-grid-2 u-mb-3" id="figures">
      <Card title="Figures">
        <dl class="info-grid">
          <div class="info-item">
            <dt class="info-item__label">Devices</dt>
            <dd class="info-item__value">
              <Num value={12_345} />
            </dd>
          </div>
          <div class="info-item">
            <dt class="info-item__label">Backup</dt>
            <dd class="info-item__value">
              <Num value={1.5} decimals={2} unit="TB" />
            </dd>
          </div>
          <div class="info-item">
            <dt class="info-item__label">Billed</dt>
            <dd class="info-item__value">
              <Money cents={8_421_050} />
            </dd>
          </div>
          <div class="info-item">
            <dt class="info-item__label">Credit</dt>
            <dd class="info-item__value">
              <Money cents={-12_000} />
            </dd>
          </div>
          <div class="info-item">
            <dt class="info-item__label">Last sync</dt>
            <dd class="info-item__value">
              <DateTime value={new Date(Date.UTC(2026, 10, 25, 14, 5))} />
            </dd>
          </div>
          <div class="info-item">
            <dt class="info-item__label">Contract end</dt>
            <dd class="info-item__value">
              <DateTime value="2027-06-30" />
            </dd>
          </div>
        </dl>
        <EmptyState
          compact
          headingLevel={3}
          title="No companies yet"
          message={
            <>
              Connect Freshservice in Integrations, or load demo data with <code>npx hivematrix demo</code>.
            </>
          }
          actionHref="#figures"
          actionLabel="Open integrations"
        />
      </Card>
      <Card title="Invoices of November">
        <Table
          label="Invoices of November"
          columns={[
            { key: 'number', label: 'Invoice' },
            { key: 'client', label: 'Client', truncate: true },
            { key: 'devices', label: 'Devices', align: 'right' },
            { key: 'total', label: 'Total', align: 'right' },
            { key: 'issued', label: 'Issued' },
          ]}
          rows={INVOICES.map((invoice) => ({
            number: <code>{invoice.number}</code>,
            client: invoice.client,
            devices: <Num value={invoice.devices} />,
            total: <Money cents={invoice.cents} />,
            issued: <DateTime value={invoice.issued} />,
          }))}
        />
      </Card>
    </div>
  );
}
