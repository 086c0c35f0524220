/** The client-level override forms: rates, plan and prepaid hours. Each posts on its own and redirects back. */
import { Button, Card, TextField } from '@hivematrix/sdk/html';
import { centsText, RATE_FIELDS } from '../../billing/index.js';
import type { Rates } from '../../engine/index.js';
import { errorOf, valueOf, type FormState } from './state.js';

export interface ClientOverrideFormsProps {
  action: (path: string) => string;
  period: string;
  planRates: Rates | null;
  codexPlan: string | null;
  stored: { planName: string | null; rates: Record<string, number>; prepaidMonthly: number; prepaidYearly: number };
  state: FormState | undefined;
}

const shown = (unit: 'money' | 'tb', value: number | undefined): string =>
  value === undefined ? '' : unit === 'money' ? centsText(value) : String(value);

/** Rates, plan and prepaid hours of one client. */
export function ClientOverrideForms({ action, period, planRates, codexPlan, stored, state }: ClientOverrideFormsProps) {
  return (
    <>
      <Card title="Rate overrides" id="rates">
        <form method="post" action={action('rates')}>
          <input type="hidden" name="month" value={period} />
          <p class="u-text-muted u-text-sm">
            The rates billed, in dollars like 125.00. A rate equal to the plan's, or an empty field, bills the plan's
            rate.
          </p>
          <div class="form-row">
            {RATE_FIELDS.map((field) => (
              <TextField
                name={field.name}
                label={field.label}
                value={valueOf(
                  state,
                  'rates',
                  field.name,
                  shown(field.unit, stored.rates[field.key] ?? planRates?.[field.key]),
                )}
                error={errorOf(state, 'rates', field.name)}
                hint={planRates === null ? 'No plan rate.' : `Plan: ${shown(field.unit, planRates[field.key])}`}
                autocomplete="off"
              />
            ))}
          </div>
          <Button type="submit">Save rates</Button>
        </form>
      </Card>
      <Card title="Plan" id="plan">
        <form method="post" action={action('plan')}>
          <input type="hidden" name="month" value={period} />
          <TextField
            name="plan_name"
            label="Billing plan"
            value={valueOf(state, 'plan', 'plan_name', stored.planName ?? '')}
            error={errorOf(state, 'plan', 'plan_name')}
            hint={`Empty bills codex's plan (${codexPlan ?? 'none'}); the contract term is codex's.`}
            maxLength={100}
          />
          <Button type="submit">Save plan</Button>
        </form>
      </Card>
      <Card title="Prepaid hours" id="prepaid">
        <form method="post" action={action('prepaid')}>
          <input type="hidden" name="month" value={period} />
          <div class="form-row">
            <TextField
              name="prepaid_monthly"
              label="Prepaid hours per month"
              value={valueOf(state, 'prepaid', 'prepaid_monthly', String(stored.prepaidMonthly))}
              error={errorOf(state, 'prepaid', 'prepaid_monthly')}
            />
            <TextField
              name="prepaid_yearly"
              label="Prepaid hours per contract year"
              value={valueOf(state, 'prepaid', 'prepaid_yearly', String(stored.prepaidYearly))}
              error={errorOf(state, 'prepaid', 'prepaid_yearly')}
            />
          </div>
          <Button type="submit">Save prepaid hours</Button>
        </form>
      </Card>
    </>
  );
}
