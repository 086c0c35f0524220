/**
 * Every input the bill counted (and those it did not, with the reason), each with its editing form:
 * the billing type of codex contacts and assets, manual users and devices, line items.
 */
import { Button, Card, DateTime, SelectField, Table, TextField, formatNumber } from '@hivematrix/sdk/html';
import { formatCount } from '../format.js';
import type { LedgerData } from '../../db/index.js';
import type { BillInput, BillResult } from '../../engine/index.js';
import { DEVICE_LABEL, formatMoney } from '../../engine/index.js';
import { deviceOptions, RemoveForm, TypeForm, USER_LABEL, userOptions } from './fields.js';
import { errorOf, valueOf, type FormState } from './state.js';

export interface InputsProps {
  action: (path: string) => string;
  period: string;
  input: BillInput;
  result: BillResult;
  ledger: LedgerData;
  state: FormState | undefined;
}

const TB = 1024 ** 4;
const tbText = (bytes: number) => formatNumber(Math.round((bytes / TB) * 100) / 100, { decimals: 2 });
const idOf = (id: string) => Number(id.slice(id.indexOf(':') + 1));

/** Whether an input was counted, or why not. */
function status(result: BillResult, counted: readonly string[], id: string): string {
  return counted.includes(id) ? 'Counted' : (result.excluded.find((e) => e.id === id)?.reason ?? 'Not billed');
}

export function UsersCard({ action, period, input, result, ledger, state }: InputsProps) {
  const form = 'manual-user';
  return (
    <Card title="Users" id="users">
      <Table
        label="Users"
        columns={[
          { key: 'name', label: 'Name' },
          { key: 'source', label: 'Source' },
          { key: 'type', label: 'Billing type' },
          { key: 'status', label: 'Counted' },
          { key: 'edit', label: 'Edit' },
        ]}
        rows={input.users.map((user) => {
          const contactId = idOf(user.id);
          const override = user.source === 'codex' ? ledger.users.get(contactId) : undefined;
          return {
            name: user.name,
            source: user.source === 'codex' ? 'Codex' : 'Manual',
            type:
              user.billingType === 'custom'
                ? `Custom ${formatMoney(user.customCents ?? 0)}`
                : USER_LABEL[user.billingType],
            status: status(result, result.counted.users, user.id),
            edit:
              user.source === 'codex' ? (
                <TypeForm
                  action={action(`users/${contactId}/type`)}
                  period={period}
                  form={`user-type:${contactId}`}
                  label={user.name}
                  current={override?.billingType ?? 'default'}
                  currentCents={override?.customCents ?? null}
                  options={userOptions}
                  defaultLabel="Default (paid)"
                  state={state}
                />
              ) : (
                <RemoveForm
                  action={action(`manual-users/${contactId}/delete`)}
                  period={period}
                  label={`Remove ${user.name}`}
                />
              ),
          };
        })}
        empty="No users: codex lists the client's contacts from the PSA sync; add one below as a manual user when it is billed but not in the PSA."
      />
      <h3>Add a manual user</h3>
      <form method="post" action={action('manual-users')} class="form-row">
        <input type="hidden" name="month" value={period} />
        <TextField
          name="full_name"
          label="Full name"
          required
          value={valueOf(state, form, 'full_name', '')}
          error={errorOf(state, form, 'full_name')}
        />
        <SelectField
          id="manual-user-type"
          name="billing_type"
          label="Billing type"
          options={userOptions}
          value={valueOf(state, form, 'billing_type', 'paid')}
          error={errorOf(state, form, 'billing_type')}
        />
        <TextField
          id="manual-user-amount"
          name="custom_amount"
          label="Custom amount (custom only)"
          value={valueOf(state, form, 'custom_amount', '')}
          error={errorOf(state, form, 'custom_amount')}
        />
        <div>
          <Button type="submit">Add user</Button>
        </div>
      </form>
    </Card>
  );
}

export function DevicesCard({ action, period, input, result, ledger, state }: InputsProps) {
  const form = 'manual-device';
  return (
    <Card title="Devices" id="devices">
      <Table
        label="Devices"
        columns={[
          { key: 'host', label: 'Hostname' },
          { key: 'source', label: 'Source' },
          { key: 'type', label: 'Billing type' },
          { key: 'backup', label: 'Backup (TB)', align: 'right' },
          { key: 'status', label: 'Counted' },
          { key: 'edit', label: 'Edit' },
        ]}
        rows={input.devices.map((device) => {
          const assetId = idOf(device.id);
          const override = device.source === 'codex' ? ledger.devices.get(assetId) : undefined;
          return {
            host: device.hostname,
            source: device.source === 'codex' ? 'Codex' : 'Manual',
            type:
              device.billingType === 'custom'
                ? `Custom ${formatMoney(device.customCents ?? 0)}`
                : DEVICE_LABEL[device.billingType],
            backup: device.backupBytes > 0 ? tbText(device.backupBytes) : '—',
            status: status(result, result.counted.devices, device.id),
            edit:
              device.source === 'codex' ? (
                <TypeForm
                  action={action(`devices/${assetId}/type`)}
                  period={period}
                  form={`device-type:${assetId}`}
                  label={device.hostname}
                  current={override?.billingType ?? 'default'}
                  currentCents={override?.customCents ?? null}
                  options={deviceOptions}
                  defaultLabel="Default (from the RMM type)"
                  state={state}
                />
              ) : (
                <RemoveForm
                  action={action(`manual-devices/${assetId}/delete`)}
                  period={period}
                  label={`Remove ${device.hostname}`}
                />
              ),
          };
        })}
        empty="No devices: codex lists the client's assets from the RMM sync; add one below as a manual device when it is billed but not in the RMM."
      />
      <h3>Add a manual device</h3>
      <form method="post" action={action('manual-devices')} class="form-row">
        <input type="hidden" name="month" value={period} />
        <TextField
          name="hostname"
          label="Hostname"
          required
          value={valueOf(state, form, 'hostname', '')}
          error={errorOf(state, form, 'hostname')}
        />
        <SelectField
          id="manual-device-type"
          name="billing_type"
          label="Device billing type"
          options={deviceOptions}
          value={valueOf(state, form, 'billing_type', 'workstation')}
          error={errorOf(state, form, 'billing_type')}
        />
        <TextField
          id="manual-device-amount"
          name="custom_amount"
          label="Device custom amount (custom only)"
          value={valueOf(state, form, 'custom_amount', '')}
          error={errorOf(state, form, 'custom_amount')}
        />
        <TextField
          name="backup_tb"
          label="Backup used (TB)"
          value={valueOf(state, form, 'backup_tb', '')}
          error={errorOf(state, form, 'backup_tb')}
        />
        <div>
          <Button type="submit">Add device</Button>
        </div>
      </form>
    </Card>
  );
}

export function TimeAndBackupCards({ input, result }: Pick<InputsProps, 'input' | 'result'>) {
  const backup = new Set(result.counted.backupDevices);
  return (
    <>
      <Card title="Time entries" id="time-entries">
        <Table
          label="Time entries"
          columns={[
            { key: 'id', label: 'Entry' },
            { key: 'ticket', label: 'Ticket' },
            { key: 'date', label: 'Date' },
            { key: 'minutes', label: 'Minutes', align: 'right' },
            { key: 'status', label: 'Counted' },
          ]}
          rows={input.timeEntries.map((entry) => ({
            id: String(entry.id),
            ticket: entry.ticketNumber,
            date: <DateTime value={entry.entryDate} style="date" />,
            minutes: formatCount(entry.minutes),
            status: result.counted.timeEntries.includes(entry.id)
              ? 'Counted'
              : (result.excluded.find((e) => e.id === `time:${entry.id}`)?.reason ??
                (entry.billable ? 'Not counted' : 'Not billable')),
          }))}
          empty="No time entries this month: they come from the PSA's tickets through codex's sync, dated by the day the work was done."
        />
      </Card>
      <Card title="Backup devices" id="backup-devices">
        <Table
          label="Backup devices"
          columns={[
            { key: 'host', label: 'Hostname' },
            { key: 'tb', label: 'TB', align: 'right' },
          ]}
          rows={input.devices
            .filter((device) => backup.has(device.id))
            .map((device) => ({ host: device.hostname, tb: tbText(device.backupBytes) }))}
          empty="No backed-up devices: backup usage comes with the assets from the RMM through codex's sync, or with a manual device's backup TB."
        />
      </Card>
    </>
  );
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function LineItemsCard({ action, period, result, ledger, state }: InputsProps) {
  const form = 'line-item';
  const counted = new Set(result.counted.lineItems);
  return (
    <Card title="Line items" id="line-items">
      <Table
        label="Line items"
        columns={[
          { key: 'name', label: 'Name' },
          { key: 'fees', label: 'Fees' },
          { key: 'status', label: 'This month' },
          { key: 'edit', label: 'Edit' },
        ]}
        rows={ledger.lineItems.map((item) => ({
          name: item.name,
          fees: [
            item.recurringCents === null
              ? null
              : `${formatMoney(item.recurringCents)} monthly${item.firstMonth === null ? '' : ` from ${item.firstMonth}`}${item.lastMonth === null ? '' : ` until ${item.lastMonth}`}`,
            item.oneOffCents === null ? null : `${formatMoney(item.oneOffCents)} once in ${item.oneOffMonth ?? '?'}`,
            item.yearlyCents === null
              ? null
              : `${formatMoney(item.yearlyCents)} every ${MONTHS[(item.yearlyMonth ?? 1) - 1] ?? '?'}`,
          ]
            .filter((fee) => fee !== null)
            .join('; '),
          status: counted.has(item.id) ? 'Billed' : 'Not due',
          edit: (
            <RemoveForm action={action(`line-items/${item.id}/delete`)} period={period} label={`Remove ${item.name}`} />
          ),
        }))}
        empty="No line items: add one below (recurring, one-off or yearly) for a charge that is not a user, a device, backup or labour."
      />
      <h3>Add a line item</h3>
      <form method="post" action={action('line-items')} class="form-row">
        <input type="hidden" name="month" value={period} />
        <TextField
          id="line-item-name"
          name="name"
          label="Line item name"
          required
          value={valueOf(state, form, 'name', '')}
          error={errorOf(state, form, 'name')}
        />
        <SelectField
          name="kind"
          label="Kind"
          options={[
            { value: 'recurring', label: 'Recurring monthly' },
            { value: 'one_off', label: 'One-off' },
            { value: 'yearly', label: 'Yearly' },
          ]}
          value={valueOf(state, form, 'kind', 'recurring')}
          error={errorOf(state, form, 'kind')}
        />
        <TextField
          name="amount"
          label="Amount"
          required
          value={valueOf(state, form, 'amount', '')}
          error={errorOf(state, form, 'amount')}
        />
        <TextField
          type="month"
          name="first_month"
          label="First month (recurring, optional)"
          value={valueOf(state, form, 'first_month', '')}
          error={errorOf(state, form, 'first_month')}
        />
        <TextField
          type="month"
          name="last_month"
          label="Last month (recurring, optional)"
          value={valueOf(state, form, 'last_month', '')}
          error={errorOf(state, form, 'last_month')}
        />
        <TextField
          type="month"
          name="one_off_month"
          label="Month (one-off)"
          value={valueOf(state, form, 'one_off_month', period)}
          error={errorOf(state, form, 'one_off_month')}
        />
        <SelectField
          name="yearly_month"
          label="Month of the year (yearly)"
          options={MONTHS.map((label, i) => ({ value: String(i + 1), label }))}
          value={valueOf(state, form, 'yearly_month', String(Number(period.slice(5, 7))))}
          error={errorOf(state, form, 'yearly_month')}
        />
        <div>
          <Button type="submit">Add line item</Button>
        </div>
      </form>
    </Card>
  );
}
