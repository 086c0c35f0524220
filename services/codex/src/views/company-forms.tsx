/** The forms of a company page: plan, feature overrides, operational details, a new location. */
import type { JSX } from 'preact';
import { Button, Card, SelectField, TextArea, TextField } from '@hivematrix/sdk/html';
import { TERMS } from '../domain/index.js';
import type { CompanyDetailView } from './company-detail-view.js';

/** The plan, term and start of a company (billing and admins). */
export function PlanForm({ view }: { view: CompanyDetailView }): JSX.Element {
  const { ctx, company } = view;
  const names =
    company.planName !== null && !view.planNames.includes(company.planName)
      ? [company.planName, ...view.planNames]
      : view.planNames;
  return (
    <form
      method="post"
      action={ctx.urlFor(`/companies/${encodeURIComponent(company.accountNumber)}/plan`)}
      class="u-mt-3"
      aria-label="Change the plan"
    >
      <div class="form-row">
        <SelectField
          name="plan_name"
          label="Plan"
          placeholder="No plan"
          value={company.planName ?? ''}
          options={names.map((name) => ({ value: name, label: name }))}
        />
        <SelectField
          name="contract_term"
          label="Contract term"
          placeholder="No term (month to month pricing)"
          value={company.contractTerm ?? ''}
          options={TERMS.map((term) => ({ value: term, label: term }))}
        />
        <TextField name="contract_start" type="date" label="Contract start" value={company.contractStart ?? ''} />
      </div>
      <div class="action-footer">
        <Button type="submit" id="save-plan">
          Save plan
        </Button>
      </div>
    </form>
  );
}

function FeatureForm({ view }: { view: CompanyDetailView }): JSX.Element {
  const { ctx, company } = view;
  return (
    <Card title="Feature overrides" class="u-mb-3">
      <form method="post" action={ctx.urlFor(`/companies/${encodeURIComponent(company.accountNumber)}/features`)}>
        <div class="u-grid u-grid-2">
          {view.features.map((feature) => {
            const options = view.catalogue.find((category) => category.key === feature.key)?.options ?? [];
            return (
              <SelectField
                name={`feature:${feature.key}`}
                label={feature.displayName}
                placeholder={`Use the plan's (${feature.planValue ?? 'not set'})`}
                value={feature.override ?? ''}
                options={options.map((option) => ({ value: option.value, label: option.value }))}
              />
            );
          })}
        </div>
        <div class="action-footer">
          <Button type="submit" variant="secondary">
            Save overrides
          </Button>
        </div>
      </form>
    </Card>
  );
}

function DetailsForm({ view }: { view: CompanyDetailView }): JSX.Element {
  const { ctx, company } = view;
  return (
    <Card title="Company details" class="u-mb-3">
      <form method="post" action={ctx.urlFor(`/companies/${encodeURIComponent(company.accountNumber)}/details`)}>
        <div class="form-row">
          <SelectField
            name="compliance_level"
            label="Compliance level"
            value={company.complianceLevel}
            hint="CJIS and HIPAA companies have personal data filtered out of AI assistance."
            options={[
              { value: 'standard', label: 'Standard' },
              { value: 'cjis', label: 'CJIS' },
              { value: 'hipaa', label: 'HIPAA' },
            ]}
          />
          <TextField name="phone" label="Main phone" value={company.phone ?? ''} maxLength={50} />
        </div>
        <div class="form-row">
          <TextField name="email_system" label="E-mail system" value={company.emailSystem ?? ''} maxLength={100} />
          <TextField name="phone_system" label="Phone system" value={company.phoneSystem ?? ''} maxLength={100} />
        </div>
        <TextField
          name="main_location"
          label="Main location (address)"
          value={company.mainLocation ?? ''}
          maxLength={500}
        />
        <TextArea name="domains" label="Domains" hint="One per line." value={company.domains.join('\n')} rows={3} />
        <TextArea name="description" label="Description" value={company.description ?? ''} rows={3} maxLength={5000} />
        <div class="action-footer">
          <Button type="submit" variant="secondary">
            Save details
          </Button>
        </div>
      </form>
      <form
        method="post"
        action={ctx.urlFor(`/companies/${encodeURIComponent(company.accountNumber)}/locations`)}
        class="u-mt-3"
        aria-label="Add a location"
      >
        <div class="form-row">
          <TextField name="name" label="Location name" required maxLength={150} />
          <TextField name="address" label="Address" required maxLength={500} />
          <TextField name="phone" label="Phone" maxLength={50} />
        </div>
        <div class="action-footer">
          <Button type="submit" variant="secondary">
            Add location
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** The edit forms a user may use on this company. */
export function CompanyEditForms({ view }: { view: CompanyDetailView }): JSX.Element {
  return (
    <>
      {view.canEditPlan && <FeatureForm view={view} />}
      {view.canEditDetails && <DetailsForm view={view} />}
    </>
  );
}
