/** A client's bill for a month, line by line, with the labour and backup figures behind it. */
import { Alert, Button, Card, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import type { ClientBill } from '../billing/month.js';
import { formatCents } from '../engine/index.js';

export interface ClientPageProps {
  period: string;
  bill: ClientBill;
  urlFor: (path: string) => string;
}

/** Renders one client's bill. */
export function ClientPage({ period, bill, urlFor }: ClientPageProps) {
  const { result, client } = bill;
  const labour = result.labour;
  return (
    <Page title={`${client.company.name} ${period}`} service="ledger">
      <PageHeader
        title={`${client.company.name} — ${period}`}
        description={`Account ${client.company.account_number} · plan ${bill.input.client.planName ?? 'none'} · term ${client.company.contract_term ?? 'Month to Month'}`}
        actions={<Button href={urlFor(`/?month=${period}`)} variant="secondary" small>Back to dashboard</Button>}
      />
      {result.flags.map((flag) => <Alert variant="warning">{flag}</Alert>)}
      <Card title={`Total $${formatCents(result.totalCents)}`}>
        <Table
          label="Invoice lines"
          columns={[
            { key: 'item', label: 'Item' }, { key: 'description', label: 'Description' },
            { key: 'qty', label: 'Qty', align: 'right' }, { key: 'rate', label: 'Rate', align: 'right' }, { key: 'amount', label: 'Amount', align: 'right' },
          ]}
          rows={result.lines.map((line) => ({
            item: line.item, description: line.description, qty: line.quantity,
            rate: `$${formatCents(line.rateCents)}`, amount: `$${formatCents(line.amountCents)}`,
          }))}
          empty="Nothing to bill."
        />
      </Card>
      <Card title="Labour">
        <p>{`${labour.minutes} billable minutes this month; prepaid ${labour.prepaidMonthlyHours} h monthly, ${labour.yearlyLeftHours} h of ${labour.prepaidYearlyHours} h yearly left; billable ${labour.billableHours} h → $${formatCents(labour.chargeCents)}`}</p>
      </Card>
      <Card title="Backup">
        <p>{`${result.backup.workstations} workstation(s), ${result.backup.servers} server(s); ${result.backup.totalTb} TB used, ${result.backup.includedTb} TB included, ${result.backup.overageTb} TB overage → $${formatCents(result.backup.chargeCents)}`}</p>
      </Card>
      <Card title="Not billed">
        <Table label="Not billed" columns={[{ key: 'id', label: 'Input' }, { key: 'reason', label: 'Reason' }]}
          rows={result.excluded.map((e) => ({ id: e.id, reason: e.reason }))} empty="Everything was counted." />
      </Card>
    </Page>
  );
}
