/** Small shared pieces of the client page's forms. */
import { Button, SelectField, TextField } from '@hivematrix/sdk/html';
import { DEVICE_LABEL } from '../../engine/index.js';
import type { DeviceBillingType, UserBillingType } from '../../engine/index.js';
import { DEVICE_TYPES, USER_TYPES, centsText } from '../../billing/index.js';
import { errorOf, valueOf, type FormState } from './state.js';

export const USER_LABEL: Readonly<Record<UserBillingType, string>> = {
  paid: 'Paid',
  free: 'Free',
  custom: 'Custom amount',
};

export const userOptions = USER_TYPES.map((type) => ({ value: type, label: USER_LABEL[type] }));
export const deviceOptions = DEVICE_TYPES.map((type: DeviceBillingType) => ({
  value: type,
  label: DEVICE_LABEL[type],
}));

/** A one-button form that removes an entry (a POST, so no link can delete by being followed). */
export function RemoveForm({ action, period, label }: { action: string; period: string; label: string }) {
  return (
    <form method="post" action={action}>
      <input type="hidden" name="month" value={period} />
      <Button type="submit" variant="danger" small aria-label={label}>
        Remove
      </Button>
    </form>
  );
}

/** The billing type select and custom amount of one codex contact or asset, inline in its row. */
export function TypeForm(props: {
  action: string;
  period: string;
  form: string;
  label: string;
  current: string;
  currentCents: number | null;
  options: readonly { value: string; label: string }[];
  defaultLabel: string;
  state: FormState | undefined;
}) {
  const { form, state } = props;
  const idBase = form.replace(/[^a-z0-9]+/gi, '-');
  return (
    <form method="post" action={props.action} class="form-inline">
      <input type="hidden" name="month" value={props.period} />
      <SelectField
        id={`${idBase}-type`}
        name="billing_type"
        label={`Billing type of ${props.label}`}
        options={[{ value: 'default', label: props.defaultLabel }, ...props.options]}
        value={valueOf(state, form, 'billing_type', props.current)}
        error={errorOf(state, form, 'billing_type')}
      />
      <TextField
        id={`${idBase}-amount`}
        name="custom_amount"
        label={`Custom amount of ${props.label}`}
        value={valueOf(state, form, 'custom_amount', props.currentCents === null ? '' : centsText(props.currentCents))}
        error={errorOf(state, form, 'custom_amount')}
      />
      <Button type="submit" small variant="secondary">
        Save type
      </Button>
    </form>
  );
}
