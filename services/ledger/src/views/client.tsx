/**
 * A client's bill for a month, line by line, every input it counted, and the forms that edit the
 * client's overrides (each form posts and redirects back here with a flash).
 */
import { Alert, Button, Card, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import type { ClientBill, storedClientOverrides } from '../billing/index.js';
import { DEVICE_LABEL, formatMoney, type DeviceBillingType } from '../engine/index.js';
import { formatCount } from './format.js';

/** Device billing types in the order the bill prints them. */
const DEVICE_TYPES: readonly DeviceBillingType[] = [
  'workstation',
  'server',
  'virtual_machine',
  'switch',
  'firewall',
  'not_billed',
  'custom',
];
import type { AcceptState } from './accept-section.js';
import { AcceptSection } from './accept-section.js';
import { BillSummaryCard, type BillSummaryCardProps } from './bill-summary.js';
import { ClientOverrideForms } from './forms/client-overrides.js';
import { DevicesCard, LineItemsCard, TimeAndBackupCards, UsersCard } from './forms/inputs.js';
import type { Flash, FormState } from './forms/state.js';

export interface ClientPageProps {
  period: string;
  bill: ClientBill;
  stored: Awaited<ReturnType<typeof storedClientOverrides>>;
  urlFor: (path: string) => string;
  /** The "Accept bill" section's state. */
  accept: AcceptState;
  flash?: Flash | undefined;
  form?: FormState | undefined;
  /** The summary card: this month against the previous one. */
  summary: BillSummaryCardProps;
}

/** Renders one client's bill and its override forms. */
export function ClientPage({ period, bill, stored, urlFor, accept, flash, form, summary }: ClientPageProps) {
  const { result, client, input } = bill;
  const labour = result.labour;
  const account = client.company.account_number;
  const action = (path: string) => urlFor(`/clients/${encodeURIComponent(account)}/${path}`);
  const inputs = { action, period, input, result, ledger: stored.data, state: form };
  return (
    <Page title={`${client.company.name} ${period}`} service="ledger">
      <PageHeader
        title={`${client.company.name} — ${period}`}
        description={`Account ${account} · plan ${input.client.planName ?? 'none'} · term ${client.company.contract_term ?? 'Month to Month'}`}
        actions={
          <Button href={urlFor(`/?month=${period}`)} variant="secondary" small>
            Back to dashboard
          </Button>
        }
      />
      {flash !== undefined && <Alert variant={flash.variant}>{flash.message}</Alert>}
      {form !== undefined && (
        <Alert variant="error" title="Not saved">
          <ul>
            {Object.values(form.errors).map((message) => (
              <li>{message}</li>
            ))}
          </ul>
        </Alert>
      )}
      {result.flags.map((flag) => (
        <Alert variant="warning">{flag}</Alert>
      ))}
      <BillSummaryCard {...summary} />
      <Card title="Bill" id="bill">
        <Table
          label="Invoice lines"
          columns={[
            { key: 'item', label: 'Item' },
            { key: 'description', label: 'Description' },
            { key: 'qty', label: 'Qty', align: 'right' },
            { key: 'rate', label: 'Rate', align: 'right' },
            { key: 'amount', label: 'Amount', align: 'right' },
          ]}
          rows={result.lines.map((line) => ({
            item: line.item,
            description: line.description,
            qty: line.quantity,
            rate: `${formatMoney(line.rateCents)}`,
            amount: `${formatMoney(line.amountCents)}`,
          }))}
          empty="Nothing to bill."
        />
        <p>
          {`Users ${formatMoney(result.subtotals.user)} · devices ${formatMoney(result.subtotals.device)} · labour ${formatMoney(result.subtotals.labour)} · backup ${formatMoney(result.subtotals.backup)} · line items ${formatMoney(result.subtotals.line_item)}`}
        </p>
        <p>
          {`Counted: ${formatCount(result.counts.users)} user(s); devices by type: ${
            DEVICE_TYPES.filter((type) => result.counts.devices[type] > 0)
              .map((type) => `${formatCount(result.counts.devices[type])} ${DEVICE_LABEL[type].toLowerCase()}`)
              .join(', ') || 'none'
          }`}
        </p>
        <p>
          Total <strong id="bill-total">{`${formatMoney(result.totalCents)}`}</strong>
        </p>
      </Card>
      <AcceptSection period={period} bill={bill} state={accept} urlFor={urlFor} />
      <Card title="Labour">
        <p>{`${formatCount(labour.minutes)} billable minutes this month; prepaid ${labour.prepaidMonthlyHours} h monthly, ${labour.yearlyLeftHours} h of ${labour.prepaidYearlyHours} h yearly left; billable ${labour.billableHours} h → ${formatMoney(labour.chargeCents)}`}</p>
      </Card>
      <Card title="Backup">
        <p>{`${result.backup.workstations} workstation(s), ${result.backup.servers} server(s); ${result.backup.totalTb} TB used, ${result.backup.includedTb} TB included, ${result.backup.overageTb} TB overage → ${formatMoney(result.backup.chargeCents)}`}</p>
      </Card>
      <UsersCard {...inputs} />
      <DevicesCard {...inputs} />
      <TimeAndBackupCards input={input} result={result} />
      <LineItemsCard {...inputs} />
      <ClientOverrideForms
        action={action}
        period={period}
        planRates={input.planRates}
        codexPlan={client.company.plan_name}
        stored={stored}
        state={form}
      />
    </Page>
  );
}
