/** The billing-plan matrix, its edit form, CSV import/export and the feature catalogue. */
import type { JSX } from 'preact';
import {
  Button,
  Card,
  EmptyState,
  Money,
  Num,
  PageHeader,
  SelectField,
  Table,
  TextArea,
  TextField,
} from '@hivematrix/sdk/html';
import { pricesOf } from '../db/index.js';
import type { FeatureCategory, PlanWithFeatures } from '../db/index.js';
import { formatCents, PRICE_FIELDS } from '../domain/index.js';
import type { PriceField } from '../domain/index.js';
import { CodexPage, type Flash, type ViewContext } from './layout.js';

/** Column titles of the price fields. */
export const PRICE_LABELS: Readonly<Record<PriceField, string>> = {
  per_user: 'Per user',
  per_workstation: 'Per workstation',
  per_server: 'Per server',
  per_vm: 'Per VM',
  per_switch: 'Per switch',
  per_firewall: 'Per firewall',
  per_hour: 'Per hour',
  backup_base_workstation: 'Backup base (workstation)',
  backup_base_server: 'Backup base (server)',
  backup_per_tb: 'Backup per TB',
};

export interface PlansView {
  ctx: ViewContext;
  flash?: Flash | undefined;
  plans: PlanWithFeatures[];
  catalogue: FeatureCategory[];
  canEdit: boolean;
  csv?: string;
}

/** `/billing-plans`. */
export function PlansPage({ ctx, flash, plans, catalogue, canEdit, csv }: PlansView): JSX.Element {
  const columns = [
    { key: 'plan', label: 'Plan' },
    { key: 'term', label: 'Term' },
    { key: 'support', label: 'Support' },
    ...PRICE_FIELDS.map((field) => ({ key: field, label: PRICE_LABELS[field], align: 'right' as const })),
    { key: 'tb', label: 'Included TB', align: 'right' as const },
    ...catalogue.map((category) => ({ key: `f:${category.key}`, label: category.displayName })),
    ...(canEdit ? [{ key: 'edit', label: '' }] : []),
  ];
  return (
    <CodexPage title="Billing plans" ctx={ctx} flash={flash}>
      <PageHeader
        title="Billing plans"
        description="Prices per plan and contract term, and what each plan includes. Ledger bills from these."
        actions={
          <Button variant="secondary" href={ctx.urlFor('/api/billing-plans/export.csv')}>
            Export CSV
          </Button>
        }
      />
      <Card title="Plans and terms" class="u-mb-3">
        <Table
          label="Billing plans"
          columns={columns}
          rows={plans.map((plan) => {
            const prices = pricesOf(plan);
            const row: Record<string, JSX.Element | string> = {
              plan: plan.planName,
              term: plan.term,
              support: plan.supportLevel,
              tb: <Num value={plan.backupIncludedTb} decimals={2} />,
              ...Object.fromEntries(PRICE_FIELDS.map((field) => [field, <Money cents={prices[field]} />])),
              ...Object.fromEntries(
                catalogue.map((category) => [`f:${category.key}`, plan.features[category.key] ?? '—']),
              ),
            };
            if (canEdit)
              row.edit = (
                <Button
                  small
                  variant="secondary"
                  href={ctx.urlFor(`/billing-plans/${plan.id}`)}
                  aria-label={`Edit ${plan.planName}, ${plan.term}`}
                >
                  Edit
                </Button>
              );
            return row;
          })}
          empty={
            <EmptyState
              compact
              headingLevel={3}
              title="No plans yet"
              message={
                canEdit
                  ? 'Create a plan below (all four contract terms at default prices) or import the CSV of another instance; loading demo data (npx hivematrix demo) adds plans too.'
                  : 'An admin or billing user creates plans here; loading demo data (npx hivematrix demo) adds plans too.'
              }
            />
          }
        />
      </Card>
      {canEdit && (
        <div class="u-grid u-grid-2 u-mb-3">
          <Card title="New plan">
            <form method="post" action={ctx.urlFor('/billing-plans/create')}>
              <TextField
                name="plan_name"
                label="Plan name"
                required
                maxLength={100}
                hint="Creates all four terms at the default prices ($90 an hour, backup bases $25 and $50, 1 TB included, $15 per TB)."
              />
              <div class="action-footer">
                <Button type="submit">Create plan</Button>
              </div>
            </form>
          </Card>
          <Card title="Import CSV">
            <form method="post" action={ctx.urlFor('/billing-plans/import')}>
              <TextArea
                name="csv"
                label="CSV"
                rows={6}
                value={csv}
                hint="The format of the export: one row per plan and term. Existing rows are updated; the whole file is refused if one row is wrong."
              />
              <div class="action-footer">
                <Button type="submit" variant="secondary">
                  Import
                </Button>
              </div>
            </form>
          </Card>
        </div>
      )}
      <Card title="Features">
        <Table
          label="Feature categories"
          columns={[
            { key: 'category', label: 'Category' },
            { key: 'options', label: 'Options' },
            ...(canEdit ? [{ key: 'add', label: 'Add an option' }] : []),
          ]}
          rows={catalogue.map((category) => ({
            category: category.displayName,
            options: category.options.map((option) => option.value).join(', '),
            add: (
              <form
                method="post"
                action={ctx.urlFor(`/billing-plans/features/${encodeURIComponent(category.key)}/options`)}
                class="input-group"
              >
                <input
                  class="form-group__input"
                  name="value"
                  aria-label={`New option for ${category.displayName}`}
                  maxLength={100}
                  required
                />
                <Button type="submit" small variant="secondary">
                  Add
                </Button>
              </form>
            ),
          }))}
        />
        {canEdit && (
          <form method="post" action={ctx.urlFor('/billing-plans/features')} class="u-mt-3">
            <div class="form-row">
              <TextField
                name="key"
                label="New category key"
                pattern="[a-z][a-z0-9_]{0,49}"
                required
                hint="Lower case, e.g. backup_m365."
              />
              <TextField name="display_name" label="Display name" required maxLength={100} />
            </div>
            <div class="action-footer">
              <Button type="submit" variant="secondary">
                Add category
              </Button>
            </div>
          </form>
        )}
      </Card>
    </CodexPage>
  );
}

/** `/billing-plans/:id`: one plan and term. */
export function PlanEditPage({
  ctx,
  flash,
  plan,
  catalogue,
}: {
  ctx: ViewContext;
  flash?: Flash | undefined;
  plan: PlanWithFeatures;
  catalogue: FeatureCategory[];
}): JSX.Element {
  const prices = pricesOf(plan);
  return (
    <CodexPage title={`${plan.planName} · ${plan.term}`} ctx={ctx} flash={flash}>
      <PageHeader
        title={plan.planName}
        description={`Contract term: ${plan.term}`}
        actions={
          <Button variant="secondary" href={ctx.urlFor('/billing-plans')}>
            All plans
          </Button>
        }
      />
      <Card>
        <form method="post" action={ctx.urlFor(`/billing-plans/${plan.id}`)}>
          <SelectField
            name="support_level"
            label="Support level"
            value={plan.supportLevel}
            options={[
              { value: 'Billed Hourly', label: 'Billed Hourly' },
              { value: 'Unlimited', label: 'Unlimited' },
            ]}
          />
          <div class="u-grid u-grid-2">
            {PRICE_FIELDS.map((field) => (
              <TextField
                name={field}
                label={`${PRICE_LABELS[field]} ($)`}
                value={formatCents(prices[field])}
                pattern="\d{1,9}(\.\d{1,2})?"
                required
              />
            ))}
            <TextField
              name="backup_included_tb"
              label="Backup included per device (TB)"
              value={plan.backupIncludedTb}
              pattern="\d{1,9}(\.\d{1,2})?"
              required
            />
          </div>
          <div class="u-grid u-grid-2">
            {catalogue.map((category) => (
              <SelectField
                name={`feature:${category.key}`}
                label={category.displayName}
                placeholder="Not set"
                value={plan.features[category.key] ?? ''}
                options={category.options.map((option) => ({ value: option.value, label: option.value }))}
              />
            ))}
          </div>
          <div class="action-footer">
            <Button type="submit">Save prices</Button>
          </div>
        </form>
      </Card>
    </CodexPage>
  );
}
